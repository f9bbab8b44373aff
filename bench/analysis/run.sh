#!/usr/bin/env bash
# Key, tempo, QC and throughput of audiocat's analysis beside essentia.js, aubio and soundstretch.
# Usage: bench/analysis/run.sh [PIECES=48] [SEED=20261122] [--hard] [--no-peers]
# --hard: the hard key set (endings on V/IV, cuts, fade-outs, modulating sections; docs/benchmarks.md)
# in $AUDIOCAT_HOME/bench/analysis/corpus-hard, music only.
# Generates the labelled corpus under $AUDIOCAT_HOME/bench/analysis/corpus (reused when present;
# delete it to regenerate), prints the Markdown table and writes corpus/results.md + details.csv.
# MVN_FLAGS (e.g. -o, once the dependencies are in the local repository) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/tools.sh
ensure_bench_tools
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis"
mkdir -p "$WORK/tmp" "$WORK/node"
if [ ! -d "$WORK/node/node_modules/essentia.js" ]; then
  (cd "$WORK/node" && npm install --no-audit --no-fund --silent essentia.js@0.1.3)
fi
source bench/analysis/build.sh
build_analysis_bench
NODE_PATH="$WORK/node/node_modules" exec java -Xmx1g -Djava.io.tmpdir="$WORK/tmp" \
  -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" \
  -cp "$WORK/classes:$CP" dev.audiocat.bench.AnalysisBench "$WORK/corpus" "${1:-48}" "${2:-20261122}" \
  bench/analysis/essentia_peer.js "${@:3}"
