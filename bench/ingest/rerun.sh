#!/usr/bin/env bash
# Re-runs over a library already catalogued (stock libraries and archives re-ingest their whole library
# to pick up a few new files): FILES generated 5-min stereo 16-bit 44.1 kHz WAVs (53 MB each), one ingest,
# then re-runs timed with /usr/bin/time: unchanged; after `touch` of every file (twice); --verify; and a
# file whose bytes were changed in place with its modification time restored (quick run, then --verify).
# With root, the page cache is dropped before each re-run. AUDIOCAT=path/to/audiocat runs another checkout's
# launcher on the same library and catalog (e.g. an older commit, for a before/after).
# Usage: bench/ingest/rerun.sh [FILES=200]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export AUDIOCAT_HOME="${AUDIOCAT_HOME:-$HOME/.audiocat}"
AUDIOCAT="${AUDIOCAT:-$ROOT/audiocat}"
N="${1:-200}"
WORK="$AUDIOCAT_HOME/bench/rerun"
LIB="$WORK/lib"
mkdir -p "$LIB"
for i in $(seq 1 "$N"); do
  f="$LIB/track-$(printf %05d "$i").wav"
  [ -f "$f" ] || ffmpeg -v error -y -f lavfi -i "sine=f=$((100 + i * 7)):d=300:sample_rate=44100" \
    -f lavfi -i "anoisesrc=d=300:c=pink:a=0.05:seed=$i:r=44100" \
    -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" -c:a pcm_s16le "$f"
done
rm -rf "$WORK/catalog"
"$AUDIOCAT" --version >/dev/null 2>&1 || true   # builds on first use, outside the timings
drop() { if [ "$(id -u)" = 0 ]; then sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; fi; }
run() { # LABEL [ingest options]
  local label="$1"; shift
  drop
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$AUDIOCAT" ingest "$LIB" --out "$WORK/catalog" --no-index "$@" >"$WORK/$label.txt" 2>/dev/null
  read -r wall rss < "$WORK/time.txt"
  printf '%-44s %8s %9.0f %10s %10s %8s\n' "$label" "$wall" "$((rss / 1024))" \
    "$(awk '/^  catalogued /{print $2}' "$WORK/$label.txt")" "$(awk '/already catalogued/{print $3}' "$WORK/$label.txt")" \
    "$(awk '/changed in place/{print $4}' "$WORK/$label.txt" | grep . || echo 0)"
}
printf '%d files, %s\n' "$N" "$(du -sh "$LIB" | cut -f1)"
printf '%-44s %8s %9s %10s %10s %8s\n' run "wall s" "RSS MB" catalogued skipped changed
run "first ingest"
run "re-run, unchanged"
touch "$LIB"/*.wav
run "re-run after touch of every file"
run "the next re-run"
run "re-run --verify" --verify
f="$LIB/track-00007.wav"
t="$(stat -c %y "$f")"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); n=len(b)//2; b[n:n+4096]=bytes(x ^ 0x5a for x in b[n:n+4096]); open(p,'wb').write(b)" "$f"
touch -d "$t" "$f"
run "one file changed in place, time kept"
run "the same, --verify" --verify
