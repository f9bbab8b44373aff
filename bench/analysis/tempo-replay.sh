#!/usr/bin/env bash
# The tempo replay harness: Accuracy1/2 and "no stable tempo" of the TempoEstimator in this tree on
# several bench corpora pooled, each file decoded once (curves cached), the per-track decision re-run.
# Usage: bench/analysis/tempo-replay.sh CORPUS_DIR...   (default: tuning_corpora of
# bench/analysis/tuning-sets.sh: the corpora bench/analysis/tuning-corpora.sh made under $AUDIOCAT_HOME, or
# the build machine's 14 sets, 704 pieces;
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
source bench/analysis/tuning-sets.sh
if [ $# -eq 0 ]; then
  corpora=$(tuning_corpora) || exit 2
  set -- $corpora
fi
source bench/analysis/build.sh
build_analysis_bench bench/analysis/src/dev/audiocat/features/rhythm/TempoReplay.java
exec java ${TEMPO_OPTS:-} -Xmx1g -Djava.io.tmpdir="$WORK/tmp" -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" \
  -cp "$WORK/classes:$CP" dev.audiocat.features.rhythm.TempoReplay "$WORK" "$@"
