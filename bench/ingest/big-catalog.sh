#!/usr/bin/env bash
# Ingest into a large catalog (stock libraries add new uploads to catalogs of millions of tracks): ROWS
# catalog rows cloned from the demo catalog's (bench/ingest/BigCatalog.java), then two runs of one new file
# each into that catalog, timed with /usr/bin/time (wall clock, max RSS of the launcher and its embedded
# Flink): a tone unrelated to the catalog, and a copy of a demo file, which duplicates every clone of its row.
# Usage: bench/ingest/big-catalog.sh [ROWS=200000] [SECONDS]   (MVN_FLAGS, e.g. -o, is passed to Maven)
# With SECONDS, every row gets a distinct random fingerprint of that length (a catalog of distinct recordings,
# whose prints do not compress away as clones do); without, the clones keep their demo row's.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
ROWS="${1:-200000}"
WORK="$AUDIOCAT_HOME/bench/big-catalog"
rm -rf "$WORK" && mkdir -p "$WORK/tone" "$WORK/copy"
"$ROOT/audiocat" demo --out "$WORK/demo" --no-index >/dev/null 2>&1
(cd "$ROOT" && mvn -B -q ${MVN_FLAGS:-} -pl pipelines -am install -DskipTests \
  && mvn -B -q ${MVN_FLAGS:-} -pl pipelines dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt")
CP="$ROOT/pipelines/target/classes:$(cat "$WORK/cp.txt")"
javac -d "$WORK/classes" -cp "$CP" "$ROOT/bench/ingest/BigCatalog.java"
java -cp "$WORK/classes:$CP" BigCatalog "$WORK/demo/catalog" "$ROWS" "$WORK/catalog" ${2:-} 2>/dev/null
ffmpeg -v error -f lavfi -i "sine=f=523.25:d=20" -ar 44100 "$WORK/tone/tone.wav"
cp "$(find "$WORK/demo/library" -name '*.flac' | sort | head -1)" "$WORK/copy/copy.flac"
printf '%-40s %8s %12s %s\n' "run (catalog of $ROWS rows)" "wall s" "max RSS MB" "duplicate_group of the new row"
for n in tone copy; do
  /usr/bin/time -v "$ROOT/audiocat" ingest "$WORK/$n" --out "$WORK/catalog" --no-index >"$WORK/$n.txt" 2>&1
  wall=$(grep -E 'Elapsed \(wall clock\)' "$WORK/$n.txt" | awk '{print $NF}')
  rss=$(grep -E 'Maximum resident' "$WORK/$n.txt" | awk '{printf "%.0f", $NF / 1024}')
  group=$(java -cp "$WORK/classes:$CP" BigCatalog --group "$WORK/catalog" "$(ls "$WORK/$n")" 2>/dev/null)
  printf '%-40s %8s %12s %s\n' "one new file: $n" "$wall" "$rss" "$group"
done
