#!/usr/bin/env bash
# The key replay harness: MIREX weighted score of the KeyDetector in this tree (and its variants) on several
# bench corpora pooled, beside essentia.js's cached answers; each file decoded once (per-block profiles
# cached), the per-track work (KeyDetector.addBlock + decide) re-run; lists the errors with label, answers,
# error type and the piece's structure.
# Usage: bench/analysis/key-replay.sh CORPUS_DIR...   (default: the fourteen tuning corpora listed below)
# A corpus dir is what bench/analysis/run.sh generated: $HOME_OF_RUN/bench/analysis/corpus or corpus-hard.
# Cache and replay.csv (every file's answers) under $AUDIOCAT_HOME/bench/analysis/key-replay.
# MVN_FLAGS (e.g. -o) is passed to Maven. KEY_OPTS: JVM options: -Dkey.errors=N lists the errors of variant N
# (0 = shipped, 1 = session 7, 2 = session 4), -Dkey.segments=24 adds the key of every 24 blocks (~9 s) to each error.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/key-replay"
mkdir -p "$WORK/tmp"
if [ $# -eq 0 ]; then
  S=/work/scratch
  set -- $S/home-h3q/bench/analysis/corpus $S/home-h3k-seed7/bench/analysis/corpus \
    $S/home-s5r-held/bench/analysis/corpus $S/home-s4k-held/bench/analysis/corpus \
    $S/home-s6r-held/bench/analysis/corpus $S/home-s7r-held/bench/analysis/corpus $S/home-s7k-held/bench/analysis/corpus \
    $S/home-h3k-hard11/bench/analysis/corpus-hard $S/home-h3k-hard101/bench/analysis/corpus-hard \
    $S/home-s5r-held-hard/bench/analysis/corpus-hard $S/home-s4k-held-hard/bench/analysis/corpus-hard \
    $S/home-s6r-held-hard/bench/analysis/corpus-hard $S/home-s7r-held-hard/bench/analysis/corpus-hard \
    $S/home-s7k-held-hard/bench/analysis/corpus-hard
fi
source bench/analysis/build.sh
build_analysis_bench bench/analysis/src/dev/audiocat/features/tonal/KeyReplay.java
exec java ${KEY_OPTS:-} -Xmx1g -Djava.io.tmpdir="$WORK/tmp" -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" \
  -cp "$WORK/classes:$CP" dev.audiocat.features.tonal.KeyReplay "$WORK" "$@"
