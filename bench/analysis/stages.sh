#!/usr/bin/env bash
# Thread CPU time of each stage of issue 3's analysis, replayed from memory (decode excluded except in
# the decode and lean cases), for one or more commits of feature-extract alternated in one JVM.
# Usage: bench/analysis/stages.sh [REPS=9] [CASES=all] [COMMIT...=HEAD]
#   e.g. bench/analysis/stages.sh 9 all 44a2421 HEAD      (before and after, side by side)
#        bench/analysis/stages.sh 7 loudness,qc-native     (this tree's HEAD only)
# Cases: loudness qc-native qc-hum pcm-hash frames frames+key frames+tempo decode decode-native lean.
# Files: p00.wav p03.flac p06.mp3 p09.ogg (171.6 s) of the corpus made by bench/analysis/run.sh 48 20261122,
# which must exist under $AUDIOCAT_HOME/bench/analysis/corpus. Each commit's feature-extract main sources
# are compiled with javac against the module's dependencies (uncommitted changes are not measured).
# MVN_FLAGS (e.g. -o) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
WORK="$AUDIOCAT_HOME/bench/analysis/stages"
MUSIC="$AUDIOCAT_HOME/bench/analysis/corpus/music"
REPS="${1:-9}"
CASES="${2:-all}"
shift $(( $# < 2 ? $# : 2 ))
COMMITS=("$@")
[ ${#COMMITS[@]} -eq 0 ] && COMMITS=(HEAD)
for f in p00.wav p03.flac p06.mp3 p09.ogg; do
  [ -f "$MUSIC/$f" ] || { echo "missing $MUSIC/$f: run bench/analysis/run.sh 48 20261122 first" >&2; exit 1; }
done
rm -rf "$WORK" && mkdir -p "$WORK"
mvn -B -q ${MVN_FLAGS:-} -pl feature-extract dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt"
DEPS="$(cat "$WORK/cp.txt")"
BUILDS=()
for c in "${COMMITS[@]}"; do
  sha=$(git rev-parse --short "$c")
  mkdir -p "$WORK/src-$sha" "$WORK/classes-$sha"
  git archive "$sha" feature-extract/src/main/java | tar -x -C "$WORK/src-$sha"
  find "$WORK/src-$sha" -name '*.java' > "$WORK/src-$sha.txt"
  javac -nowarn -d "$WORK/classes-$sha" -cp "$DEPS" "@$WORK/src-$sha.txt"
  (cd "$WORK/classes-$sha" && jar cf "$WORK/feature-extract-$sha.jar" .)
  BUILDS+=("$c=$WORK/feature-extract-$sha.jar")
done
mkdir -p "$WORK/cases" "$WORK/main"
javac -d "$WORK/cases" -cp "$WORK/feature-extract-$(git rev-parse --short "${COMMITS[0]}").jar:$DEPS" bench/analysis/stages/StageCases.java
javac -d "$WORK/main" bench/analysis/stages/StageBench.java
uptime
exec java -Xmx2g -Dorg.bytedeco.javacpp.cachedir="$AUDIOCAT_HOME/cache/javacpp" -cp "$WORK/main:$DEPS" StageBench "$REPS" "$CASES" \
  "$WORK/cases" "${BUILDS[@]}" -- "$MUSIC/p00.wav" "$MUSIC/p03.flac" "$MUSIC/p06.mp3" "$MUSIC/p09.ogg"
