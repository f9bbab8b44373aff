#!/usr/bin/env bash
# Ingest throughput of the demo library on the embedded Flink mini-cluster, with 1 and 2 workers,
# and the fixed cost of a run (an empty folder: options, translation, mini-cluster start/stop).
# Search indexing is left out (--no-index): it measures decoding, analysis, tagging and Parquet.
# Usage: bench/ingest/run.sh [REPEATS]   (figures go to stdout; docs/benchmarks.md quotes them)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
REPEATS="${1:-3}"
WORK="$AUDIOCAT_HOME/bench/ingest"
rm -rf "$WORK" && mkdir -p "$WORK/empty"
"$ROOT/audiocat" demo --out "$WORK/demo" --no-index >/dev/null 2>&1
LIB="$WORK/demo/library"

secs() { grep -E '^  wall time' "$1" | awk '{print $3}'; }
xrt() { grep -E '^  speed' "$1" | awk '{print $2}'; }
audio() { grep -E '^  audio ' "$1" | awk '{print $2}'; }

printf '%-28s %8s %10s %12s\n' "run" "wall s" "audio h" "x-realtime"
for i in $(seq "$REPEATS"); do
  "$ROOT/audiocat" ingest "$WORK/empty" --out "$WORK/cat-empty-$i" --parallelism 2 --no-index >"$WORK/empty-$i.txt" 2>/dev/null || true
  printf '%-28s %8s %10s %12s\n' "empty folder (fixed cost)" "$(secs "$WORK/empty-$i.txt")" "-" "-"
  for p in 1 2; do
    out="$WORK/p$p-$i.txt"
    "$ROOT/audiocat" ingest "$LIB" --out "$WORK/cat-p$p-$i" --parallelism "$p" --no-index >"$out" 2>/dev/null
    printf '%-28s %8s %10s %12s\n' "demo library, $p worker(s)" "$(secs "$out")" "$(audio "$out")" "$(xrt "$out")"
  done
done
