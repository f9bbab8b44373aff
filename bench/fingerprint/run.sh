#!/usr/bin/env bash
# Fingerprint benchmark: Chromaprint agreement with fpcalc, duplicate groups, and the robust excerpt
# matcher on real recordings from Debian packages (warzone2100-music, sonic-pi-samples,
# hydrogen-drumkits). Usage: bench/fingerprint/run.sh [EXCERPTS_PER_LENGTH (default 12)] [SEED]
# Writes its work files under $AUDIOCAT_HOME/bench/fingerprint (default seed) or
# $AUDIOCAT_HOME/bench/fingerprint-seed<SEED> (any other seed, so seeds never share excerpts or an
# index) and prints the figures that docs/benchmarks.md quotes. MVN_FLAGS (e.g. -o) is passed to Maven,
# BENCH_JAVA_OPTS to the JVM.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$ROOT/scripts/tools.sh"
ensure_bench_tools
command -v gcc >/dev/null || apt_ensure gcc libc6-dev

HOME_DIR=${AUDIOCAT_HOME:-$HOME/.audiocat}
PER_LENGTH=${1:-12}
SEED=${2:-20261122}
if [ "$SEED" = 20261122 ]; then WORK="$HOME_DIR/bench/fingerprint"; else WORK="$HOME_DIR/bench/fingerprint-seed$SEED"; fi
mkdir -p "$WORK" "$HOME_DIR/tmp"
MVN_FLAGS=${MVN_FLAGS:-}

cd "$ROOT"
mvn -B -q $MVN_FLAGS -pl feature-extract -am install -DskipTests
mvn -B -q $MVN_FLAGS -pl feature-extract test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath.txt"

# libchromaprint's public API, to check the port of its own resampler (fpcalc bypasses it)
gcc -O2 -o "$WORK/chromaprint_feed" bench/fingerprint/chromaprint_feed.c -l:libchromaprint.so.1

# BENCH_JAVA_OPTS, e.g. -Dbench.reuseIndex=true: keep the seed's index from an earlier run (same split)
# shellcheck disable=SC2086
java -Xmx2g ${BENCH_JAVA_OPTS:-} -Djava.io.tmpdir="$HOME_DIR/tmp" -Dorg.bytedeco.javacpp.cachedir="$HOME_DIR/javacpp" \
  -Dbench.chromaprintFeed="$WORK/chromaprint_feed" \
  -cp "feature-extract/target/classes:feature-extract/target/test-classes:$(cat "$WORK/classpath.txt")" \
  dev.audiocat.features.fingerprint.FingerprintBench "$WORK" "$PER_LENGTH" "$SEED"
