#!/usr/bin/env bash
# Corpora for the tempo decision on lossy-coded steady sounds (docs/benchmarks.md, "Tempo: codec modulation"),
# for bench/analysis/tempo-replay.sh. Made with the Debian ffmpeg command line, deterministic (seeded noise):
#   codec/bench/analysis/corpus/tempoless/  130 files that have no tempo, decoded to FLAC:
#     26 sines (1 kHz, lavfi's default 1/8 peak) in pink noise (peak 0.01, 0.03, 0.3), mixed by amix: through
#        wmav2 at 32, 64, 128 kbit/s, mono and stereo, and at 32 kbit/s through flac, wmav1, MP3 and AAC;
#     72 sines (440, 1000, 3000 Hz) in pink noise (peak 0.005-0.5), 40 and 180 s, at 16, 22.05 and 44.1 kHz,
#        through wmav2 at 48 kbit/s;
#     32 of the bench's own tempo-less files (speech, pads, single hits, Sonic Pi ambiences, from a default
#        corpus given as CORPUS) through wmav2 at 32 and 96 kbit/s.
#   loops/bench/analysis/corpus/music/  Sonic Pi's 16 loops tiled to 32 s, as FLAC and through wmav2 at 48 kbit/s. Their
#     labels.csv BPM assumes 4 or 16 beats per loop and is not authoritative; what the replay shows for them is
#     how many keep a stable tempo ("music no stable tempo").
# Usage: bench/analysis/codec-corpora.sh OUT_DIR [DEFAULT_CORPUS]
#   DEFAULT_CORPUS: a default bench corpus (run.sh or tuning-corpora.sh made it), for its tempoless/ files;
#   without it those 32 files are left out. Then:
#   bench/analysis/tempo-replay.sh OUT_DIR/codec/bench/analysis/corpus OUT_DIR/loops/bench/analysis/corpus
set -euo pipefail
out=${1:?usage: codec-corpora.sh OUT_DIR [DEFAULT_CORPUS]}
src=${2:-}
cd "$(dirname "$0")/../.."
source scripts/tools.sh
ensure_bench_tools
tl="$out/codec/bench/analysis/corpus/tempoless"   # the layout the replay names sets by
loops="$out/loops/bench/analysis/corpus"
mkdir -p "$tl" "$loops/music"
echo "file,key,bpm,drums" > "$out/codec/bench/analysis/corpus/labels.csv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ff() { ffmpeg -nostdin -v error -y "$@"; }
# through CODEC at BITRATE, decoded to FLAC: SRC_ARGS... -- CODEC BITRATE OUT
coded() {
  local args=() codec bitrate name
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift; codec=$1 bitrate=$2 name=$3
  local ext
  case $codec in wmav*) ext=wma ;; libmp3lame) ext=mp3 ;; aac) ext=m4a ;; *) ext=$codec ;; esac
  ff "${args[@]}" -c:a "$codec" -b:a "$bitrate" "$tmp/x.$ext"
  ff -i "$tmp/x.$ext" -c:a flac "$tl/$name.flac"
}
for a in 0.01 0.03 0.3; do
  for b in 32k 64k 128k; do
    for ch in mono stereo; do
      coded -f lavfi -i "sine=f=1000:d=30" -f lavfi -i "anoisesrc=c=pink:d=30:a=$a:seed=5" \
        -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=$ch" -- wmav2 $b "n$a-$b-$ch-wma"
    done
  done
done
for a in 0.01 0.3; do
  for c in flac wmav1 libmp3lame aac; do
    coded -f lavfi -i "sine=f=1000:d=30" -f lavfi -i "anoisesrc=c=pink:d=30:a=$a:seed=5" \
      -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=mono" -- $c 32k "n$a-$c"
  done
done
for d in 40 180; do
  for r in 44100 22050 16000; do
    for a in 0.005 0.02 0.1 0.5; do
      for f in 440 1000 3000; do
        coded -f lavfi -i "sine=f=$f:d=$d:r=$r" -f lavfi -i "anoisesrc=c=pink:d=$d:a=$a:r=$r:seed=9" \
          -filter_complex "[0][1]amix=inputs=2" -- wmav2 48k "t$f-$d-$r-$a"
      done
    done
  done
done
if [ -n "$src" ]; then
  for f in "$src"/tempoless/*.wav "$src"/tempoless/*.flac; do
    b=$(basename "$f"); b=${b%.*}
    case $b in *.render*|*.raw*) continue ;; esac
    for br in 32k 96k; do
      coded -i "$f" -- wmav2 $br "$b-wmav2-$br"
    done
  done
fi
echo "file,key,bpm,drums,detune_cents,soundfont,format" > "$loops/labels.csv"
while read -r n bpm; do
  ff -stream_loop 40 -i "/usr/share/sonic-pi/samples/$n.flac" -t 32 -c:a flac "$loops/music/$n.flac"
  ff -i "$loops/music/$n.flac" -c:a wmav2 -b:a 48k "$tmp/z.wma"
  ff -i "$tmp/z.wma" -c:a flac "$loops/music/$n-wmav2.flac"
  printf 'music/%s.flac,C major,%s,true,0,sonic-pi,flac\nmusic/%s-wmav2.flac,C major,%s,true,0,sonic-pi,wma\n' "$n" "$bpm" "$n" "$bpm" >> "$loops/labels.csv"
done <<'EOF'
loop_amen 136.9
loop_breakbeat 126.0
loop_amen_full 140.0
loop_industrial 135.8
loop_electric 97.0
loop_mehackit1 97.0
loop_mehackit2 97.0
loop_perc1 97.0
loop_perc2 97.0
loop_garzul 120.0
loop_mika 120.0
loop_safari 120.0
loop_tabla 90.0
loop_3d_printer 120.6
loop_compus 148.0
loop_weirdo 97.0
EOF
echo "codec corpora ready: $(dirname "$tl") ($(ls "$tl" | wc -l) tempo-less files), $loops (32 loops)"
