# Sourced by key-replay.sh and tempo-replay.sh: the tuning corpora they pool when no corpus is named.
# tuning_corpora prints them: the corpora under $AUDIOCAT_HOME/bench/analysis/tuning (made by
# bench/analysis/tuning-corpora.sh) when there are any; otherwise the fourteen sets the project's
# sessions 4-8 generated under /work/scratch on the build machine (their hard sets predate the fix of
# the hard-set generator in session 8: docs/benchmarks.md, "Key"); otherwise it says how to make them.
TUNING_SEEDS_DEFAULT="${TUNING_SEEDS_DEFAULT-20261122 7 27182818 555444333 14142135 27272727 31415926}"
TUNING_SEEDS_HARD="${TUNING_SEEDS_HARD-11 101 27182818 555444333 14142135 27272727 31415926}"
tuning_corpora() {
  local own="$AUDIOCAT_HOME/bench/analysis/tuning" found=() d s
  for d in "$own"/*/corpus "$own"/*/corpus-hard; do
    [ -d "$d" ] && found+=("$d")
  done
  if [ ${#found[@]} -eq 0 ] && [ -d /work/scratch/home-h3q/bench/analysis/corpus ]; then
    s=/work/scratch
    found=($s/home-h3q/bench/analysis/corpus $s/home-h3k-seed7/bench/analysis/corpus
      $s/home-s5r-held/bench/analysis/corpus $s/home-s4k-held/bench/analysis/corpus
      $s/home-s6r-held/bench/analysis/corpus $s/home-s7r-held/bench/analysis/corpus $s/home-s7k-held/bench/analysis/corpus
      $s/home-h3k-hard11/bench/analysis/corpus-hard $s/home-h3k-hard101/bench/analysis/corpus-hard
      $s/home-s5r-held-hard/bench/analysis/corpus-hard $s/home-s4k-held-hard/bench/analysis/corpus-hard
      $s/home-s6r-held-hard/bench/analysis/corpus-hard $s/home-s7r-held-hard/bench/analysis/corpus-hard
      $s/home-s7k-held-hard/bench/analysis/corpus-hard)
    echo "tuning corpora: the build machine's sets under /work/scratch (hard sets made before the generator fix)" >&2
  fi
  if [ ${#found[@]} -eq 0 ]; then
    echo "no tuning corpora under $own: make them with bench/analysis/tuning-corpora.sh, or name corpus dirs" >&2
    return 2
  fi
  printf '%s\n' "${found[@]}"
}
