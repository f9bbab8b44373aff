# Debian packages used by tests and benchmarks. Sourced by ./test and the bench scripts.
# Tests compare against these tools (ffmpeg's ebur128, fpcalc, sox renders); benchmarks use the peers.
# Tests also read real recordings from two packages: warzone2100-music (Opus tracks) and sonic-pi-samples
# (FLAC hits, loops and ambiences).
AUDIOCAT_TEST_PACKAGES=(ffmpeg sox libchromaprint-tools espeak-ng fluidsynth fluid-soundfont-gm timgm6mb-soundfont
  musescore-general-soundfont chromium warzone2100-music sonic-pi-samples)
AUDIOCAT_BENCH_PACKAGES=(aubio-tools soundstretch time hydrogen-drumkits)
# Real recorded music for training the tagger's embedding (TrainMain --real-music; RealMusicCorpus lists
# licenses and credits; warzone2100-music is the bench's and never trained on). Not needed by tests.
# Extra timbre sources (TrainMain --extra-soundfont, --freepats, --avl-drums; licenses in the card's training_data):
# csound-soundfont (sf_GMbank, public domain), freepats rendered by timidity (GPL-2+ with a composition
# exception), avldrums.lv2-soundfont (two recorded acoustic kits, CC-BY-SA-3.0).
AUDIOCAT_TRAIN_PACKAGES=(singularity-music hyperrogue-music asc-music planetblupi-music-ogg nexuiz-music wesnoth-1.16-music csound-soundfont
  timidity freepats avldrums.lv2-soundfont)

# apt_ensure PKG... : installs the packages that are missing, as root or through sudo.
apt_ensure() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "audiocat: installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "audiocat: please install as root: apt-get install ${missing[*]}" >&2; return 1
    fi
  fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_test_tools() { apt_ensure "${AUDIOCAT_TEST_PACKAGES[@]}"; }
ensure_train_tools() { apt_ensure "${AUDIOCAT_TEST_PACKAGES[@]}" "${AUDIOCAT_TRAIN_PACKAGES[@]}"; }
ensure_bench_tools() { apt_ensure "${AUDIOCAT_TEST_PACKAGES[@]}" "${AUDIOCAT_BENCH_PACKAGES[@]}"; }
