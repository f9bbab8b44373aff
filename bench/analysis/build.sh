# Sourced by bench/analysis/run.sh, key-replay.sh and tempo-replay.sh (from the repository root, with
# WORK set): builds feature-extract, takes a private copy of its jar (other builds in this tree may
# rewrite target/classes while a bench runs), compiles the bench classes plus the extra sources given as
# arguments into $WORK/classes, and sets CP to the jar and its runtime dependencies.
# MVN_FLAGS (e.g. -o) is passed to Maven.
build_analysis_bench() {
  mvn -B -q ${MVN_FLAGS:-} -pl feature-extract -am install -Dmaven.test.skip=true
  mvn -B -q ${MVN_FLAGS:-} -pl feature-extract dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt"
  cp feature-extract/target/feature-extract-*.jar "$WORK/feature-extract.jar"
  CP="$WORK/feature-extract.jar:$(cat "$WORK/cp.txt")"
  rm -rf "$WORK/classes"
  javac -d "$WORK/classes" -cp "$CP" "$@" bench/analysis/src/dev/audiocat/bench/*.java
}
