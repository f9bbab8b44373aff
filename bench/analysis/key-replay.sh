#!/usr/bin/env bash
# The key replay harness: MIREX weighted score of the KeyDetector in this tree (and its variants) on several
# bench corpora pooled, beside essentia.js's cached answers; each file decoded once (per-block profiles
# cached), the per-track work (KeyDetector.addBlock + decide) re-run; lists the errors with label, answers,
# error type and the piece's structure.
# Usage: bench/analysis/key-replay.sh CORPUS_DIR...   (default: tuning_corpora of
# bench/analysis/tuning-sets.sh: the corpora bench/analysis/tuning-corpora.sh made under $AUDIOCAT_HOME, or
# the build machine's fourteen sets)
# A corpus dir is what bench/analysis/run.sh generated: $HOME_OF_RUN/bench/analysis/corpus or corpus-hard.
# Cache and replay.csv (every file's answers) under $AUDIOCAT_HOME/bench/analysis/key-replay.
# MVN_FLAGS (e.g. -o) is passed to Maven. KEY_OPTS: JVM options: -Dkey.errors=N lists the errors of variant N
# (0 = shipped, 1 = session 7, 2 = session 4), -Dkey.segments=24 adds the key of every 24 blocks (~9 s) to each error.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/key-replay"
mkdir -p "$WORK/tmp"
source bench/analysis/tuning-sets.sh
if [ $# -eq 0 ]; then
  corpora=$(tuning_corpora) || exit 2
  set -- $corpora
fi
source bench/analysis/build.sh
build_analysis_bench bench/analysis/src/dev/audiocat/features/tonal/KeyReplay.java
exec java ${KEY_OPTS:-} -Xmx1g -Djava.io.tmpdir="$WORK/tmp" -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" \
  -cp "$WORK/classes:$CP" dev.audiocat.features.tonal.KeyReplay "$WORK" "$@"
