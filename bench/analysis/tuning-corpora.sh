#!/usr/bin/env bash
# Generates the tuning corpora that key-replay.sh and tempo-replay.sh pool by default: 48 pieces each,
# the default set for every seed of TUNING_SEEDS_DEFAULT and the hard set for every seed of
# TUNING_SEEDS_HARD (bench/analysis/tuning-sets.sh), under $AUDIOCAT_HOME/bench/analysis/tuning/
# default-SEED/corpus and hard-SEED/corpus-hard; existing ones are kept. No peers (the replays show
# essentia.js's columns only for corpora whose peers-essentia.tsv a run.sh with peers left). About
# 4 min of CPU per corpus on the build machine.
# Usage: bench/analysis/tuning-corpora.sh     MVN_FLAGS (e.g. -o) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/tools.sh
ensure_bench_tools
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/tuning"
mkdir -p "$WORK/tmp"
source bench/analysis/tuning-sets.sh
source bench/analysis/build.sh
build_analysis_bench
generate() { # KIND SEED [--hard]
  local kind=$1 seed=$2 dir="$WORK/$1-$2"
  shift 2
  if grep -qs 'corpus ready' "$dir/run.log"; then
    echo "$kind $seed: kept ($dir)"
    return
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  java -Xmx1g -Djava.io.tmpdir="$WORK/tmp" -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" \
    -cp "$WORK/classes:$CP" dev.audiocat.bench.AnalysisBench "$dir/corpus" 48 "$seed" bench/analysis/essentia_peer.js --no-peers "$@" \
    > "$dir/run.log" 2>&1
  echo "$kind $seed: made ($dir)"
}
for s in $TUNING_SEEDS_DEFAULT; do generate default "$s"; done
for s in $TUNING_SEEDS_HARD; do generate hard "$s" --hard; done
