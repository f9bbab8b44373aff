#!/usr/bin/env bash
# Tempo of short loops beside aubio (docs/benchmarks.md, "Tempo of short loops"): loops of 1, 2 and 4 bars cut on
# the bar from renders of the bench's generated pieces and their drum parts (dev.audiocat.bench.LoopCorpus, known
# tempo), excerpts of the same renders cut off the beat (not loops), every Sonic Pi sample that is not a loop
# (no tempo), and Sonic Pi's loops (unlabelled, printed beside aubio).
# Usage: bench/analysis/loops.sh [SEED=20261124] [PIECES=48]   (MVN_FLAGS, e.g. -o, is passed to Maven)
set -euo pipefail
cd "$(dirname "$0")/../.."
SEED=${1:-20261124}
PIECES=${2:-48}
source scripts/tools.sh
ensure_bench_tools
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/loops"
mkdir -p "$WORK/tmp"
source bench/analysis/build.sh
build_analysis_bench bench/analysis/src/dev/audiocat/features/rhythm/LoopCheck.java bench/analysis/src/dev/audiocat/features/rhythm/LoopBench.java
RUN=(java -Xmx2g -Djava.io.tmpdir="$WORK/tmp" -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" -cp "$WORK/classes:$CP")
"${RUN[@]}" dev.audiocat.bench.LoopCorpus "$WORK/set-$SEED" "$SEED" "$PIECES"
"${RUN[@]}" dev.audiocat.features.rhythm.LoopBench "$WORK/set-$SEED"
