#!/usr/bin/env bash
# Drum-only copies of bench corpora, for the tempo decision on material without chords (drum loops, beats):
# every piece with drums loses its pitched parts and is rendered again with its soundfont, as FLAC, labelled
# with the piece's tempo (dev.audiocat.bench.DrumsOnly; docs/benchmarks.md, "Tempo", session 14).
# Usage: bench/analysis/drum-corpora.sh OUT_DIR CORPUS...   (CORPUS: a default or hard bench corpus dir)
# Then:  bench/analysis/tempo-replay.sh OUT_DIR/bench/analysis/corpus
# MVN_FLAGS (e.g. -o) is passed to Maven.
set -euo pipefail
out=${1:?usage: drum-corpora.sh OUT_DIR CORPUS...}
shift
[ $# -gt 0 ] || { echo "name at least one bench corpus (e.g. \$AUDIOCAT_HOME/bench/analysis/tuning/default-7/corpus)" >&2; exit 2; }
abs=()
for c in "$@"; do abs+=("$(cd "$c" && pwd)"); done
out=$(mkdir -p "$out" && cd "$out" && pwd)
cd "$(dirname "$0")/../.."
source scripts/tools.sh
ensure_bench_tools
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/drums"
mkdir -p "$WORK/tmp"
source bench/analysis/build.sh
build_analysis_bench
java -Xmx1g -Djava.io.tmpdir="$WORK/tmp" -cp "$WORK/classes:$CP" dev.audiocat.bench.DrumsOnly "$out/bench/analysis/corpus" "${abs[@]}"
