#!/usr/bin/env bash
# Fingerprint benchmark: Chromaprint agreement with fpcalc, duplicate groups, and the robust excerpt
# matcher on real recordings from Debian packages (warzone2100-music, sonic-pi-samples,
# hydrogen-drumkits). Usage: bench/fingerprint/run.sh [EXCERPTS_PER_LENGTH (default 12)] [SEED]
# Writes its work files under $AUDIOCAT_HOME/bench/fingerprint and prints the figures that
# docs/benchmarks.md quotes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$ROOT/scripts/tools.sh"
ensure_bench_tools
command -v gcc >/dev/null || apt_ensure gcc libc6-dev

HOME_DIR=${AUDIOCAT_HOME:-$HOME/.audiocat}
WORK="$HOME_DIR/bench/fingerprint"
mkdir -p "$WORK" "$HOME_DIR/tmp"
PER_LENGTH=${1:-12}
SEED=${2:-20261122}

cd "$ROOT"
mvn -B -q -pl feature-extract -am install -DskipTests
mvn -B -q -pl feature-extract test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath.txt"

# libchromaprint's public API, to check the port of its own resampler (fpcalc bypasses it)
gcc -O2 -o "$WORK/chromaprint_feed" bench/fingerprint/chromaprint_feed.c -l:libchromaprint.so.1

java -Xmx2g -Djava.io.tmpdir="$HOME_DIR/tmp" -Dorg.bytedeco.javacpp.cachedir="$HOME_DIR/javacpp" \
  -Dbench.chromaprintFeed="$WORK/chromaprint_feed" \
  -cp "feature-extract/target/classes:feature-extract/target/test-classes:$(cat "$WORK/classpath.txt")" \
  dev.audiocat.features.fingerprint.FingerprintBench "$WORK" "$PER_LENGTH" "$SEED"
