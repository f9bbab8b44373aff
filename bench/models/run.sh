#!/usr/bin/env bash
# Model bench (docs/benchmarks.md, "Tagging models"): instrument ROC/PR-AUC on a held-out soundfont
# (TimGM6mb) and on real samples (sonic-pi-samples, hydrogen-drumkits), embedding precision@10 vs an
# MFCC-statistics baseline (same family; same recording, warzone2100-music), speech/music accuracy,
# inference speed per core at batch 1/32/128. Results: $AUDIOCAT_HOME/models-bench/results.json.
#   bench/models/run.sh [--models DIR] [--clips N] [--hydrogen-max N]
# MVN_FLAGS (e.g. -o, once the dependencies are in the local repository) is passed to Maven.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/tools.sh"
ensure_bench_tools
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
export ORT_DISABLE_TELEMETRY=1 DJL_OFFLINE=true
mkdir -p "$AUDIOCAT_HOME/tmp"
cd "$ROOT"
mvn -B -q ${MVN_FLAGS:-} -pl feature-extract -am install -DskipTests
exec mvn -B -q ${MVN_FLAGS:-} -pl tagging-models -Ptrain -Daudiocat.home="$AUDIOCAT_HOME" \
  -Dmodels.main=dev.audiocat.tagging.train.BenchMain \
  -Dmodels.args="--out $AUDIOCAT_HOME/models-bench $*" compile exec:java
