#!/usr/bin/env bash
# The tempo replay harness: Accuracy1/2 and "no stable tempo" of the TempoEstimator in this tree on
# several bench corpora pooled, each file decoded once (curves cached), the per-track decision re-run.
# Usage: bench/analysis/tempo-replay.sh CORPUS_DIR...   (default: the 14 tuning corpora listed below, 704 pieces;
# seed 14142135, held out in session 6, is tuning since session 7; 27272727 and 31415926 since session 8)
# A corpus dir is what bench/analysis/run.sh generated: $HOME_OF_RUN/bench/analysis/corpus or corpus-hard.
# Cache and replay.csv (every file's estimate and stability statistics) under
# $AUDIOCAT_HOME/bench/analysis/tempo-replay. MVN_FLAGS (e.g. -o) is passed to Maven. TEMPO_OPTS: JVM
# options, e.g. "-Dtempo.change=4 -Dtempo.offbeat=0.5 -Dtempo.prior=110" to replay other tuning parameters.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/tempo-replay"
mkdir -p "$WORK/tmp"
if [ $# -eq 0 ]; then
  S=/work/scratch
  set -- $S/home-s5r-held/bench/analysis/corpus $S/home-h3k-seed7/bench/analysis/corpus \
    $S/home-s4k-held/bench/analysis/corpus $S/home-h3q/bench/analysis/corpus \
    $S/home-s6r-held/bench/analysis/corpus $S/home-s7r-held/bench/analysis/corpus $S/home-s7k-held/bench/analysis/corpus \
    $S/home-s5r-held-hard/bench/analysis/corpus-hard $S/home-h3k-hard11/bench/analysis/corpus-hard \
    $S/home-h3k-hard101/bench/analysis/corpus-hard $S/home-s4k-held-hard/bench/analysis/corpus-hard \
    $S/home-s6r-held-hard/bench/analysis/corpus-hard $S/home-s7r-held-hard/bench/analysis/corpus-hard \
    $S/home-s7k-held-hard/bench/analysis/corpus-hard
fi
source bench/analysis/build.sh
build_analysis_bench bench/analysis/src/dev/audiocat/features/rhythm/TempoReplay.java
exec java ${TEMPO_OPTS:-} -Xmx1g -Djava.io.tmpdir="$WORK/tmp" -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" \
  -cp "$WORK/classes:$CP" dev.audiocat.features.rhythm.TempoReplay "$WORK" "$@"
