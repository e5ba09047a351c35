#!/usr/bin/env bash
# Check (and, as root with apt-get, install) the Debian packages that
# `make pdf`, `make epub` and their tests (tests/test_pdf.py, tests/test_epub.py)
# need. Usage: tools/install-tex.sh pdf|epub|all
#
#   pdf:  xelatex (texlive-xetex, texlive-latex-recommended, texlive-latex-extra
#         for Sphinx's LaTeX packages, texlive-fonts-recommended for its Zapf
#         Dingbats), latexmk, rsvg-convert (librsvg2-bin:
#         SVG figures to PDF), the DejaVu fonts (fonts-dejavu-core), pdftotext
#         and pdfimages (poppler-utils, for the test)
#   epub: epubcheck (with a Java runtime)
#
# Without root or apt-get it only names what is missing and how to install it.
set -euo pipefail

missing_pdf() {
  local missing=()
  command -v xelatex >/dev/null || missing+=(texlive-xetex)
  kpsewhich fncychap.sty >/dev/null 2>&1 || missing+=(texlive-latex-extra)
  kpsewhich fancyvrb.sty >/dev/null 2>&1 || missing+=(texlive-latex-recommended)
  kpsewhich pzdr.tfm >/dev/null 2>&1 || missing+=(texlive-fonts-recommended)
  command -v latexmk >/dev/null || missing+=(latexmk)
  command -v rsvg-convert >/dev/null || missing+=(librsvg2-bin)
  fc-list 2>/dev/null | grep -q 'DejaVuSerif.ttf' || missing+=(fonts-dejavu-core)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  echo "${missing[@]}"
}

missing_epub() {
  [[ -f /usr/share/java/epubcheck.jar ]] && command -v java >/dev/null || echo epubcheck
}

case "${1:-}" in
  pdf) missing="$(missing_pdf)" ;;
  epub) missing="$(missing_epub)" ;;
  all) missing="$(missing_pdf) $(missing_epub)" ;;
  *) echo "usage: $0 pdf|epub|all" >&2; exit 2 ;;
esac
read -r -a missing <<<"$missing"
(( ${#missing[@]} == 0 )) && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages for make ${1}: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo ${command}" >&2
  exit 1
fi
echo "Installing the Debian packages for make ${1}: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
${command}
