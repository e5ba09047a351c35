#!/usr/bin/env bash
# Remake book/_static/temml/book-math.woff2, the book's maths font: a subset
# of Latin Modern Math (Debian's fonts-lmodern) with its MATH table, written
# as WOFF2. Needs fonts-lmodern (apt-get install fonts-lmodern) and
# fonttools with brotli (pip install fonttools brotli). Run from the repo root.
set -euo pipefail
source_font=${LATIN_MODERN_MATH:-/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf}
# ASCII, the italic letters MathML's one-letter <mi> is drawn with (Latin, and
# the Greek letters the book uses), and the signs, operators and fences the
# book uses: what the formulas need and little more, since every kilobyte
# of the font delays the first paint of a page with maths on a slow phone.
# tests/test_maths_font.py names any character a new formula needs that is
# missing here: add it and run this script again.
# No OpenType layout feature is kept: the only one the old subset kept,
# ssty (script-size glyphs for sub- and superscripts), doubled the file
# (69 kB against 32 kB) and Chromium never applies it (the same formulas
# render pixel for pixel alike with and without it); Firefox, which does,
# draws scripts with the ordinary glyphs at script size instead.
unicodes="U+0020-007E,U+00A0,U+1D434-1D467,U+00AF,U+00B1,U+00B7,U+00D7,U+0394,U+0398,U+039B,U+03A3,U+03A6,U+03A9,U+03B1,U+03B2,U+03B3,U+03B4,U+03B5,U+03B7,U+03B8,U+03BB,U+03BC,U+03C0,U+03C3,U+03C6,U+03C9,U+03D1,U+03D5,U+03F5,U+2016,U+2026,U+2032,U+2033,U+2061,U+210E,U+2190,U+2192,U+2202,U+2207,U+2208,U+220F,U+2211,U+2212,U+2217,U+221A,U+221E,U+222B,U+2248,U+2260,U+2264,U+2265,U+22C5,U+2308,U+2309,U+230A,U+230B,U+23DE,U+23DF,U+27E8,U+27E9,U+27F9,U+1D41A,U+1D41E,U+1D421,U+1D428,U+1D6E5,U+1D6E9,U+1D6EC,U+1D6F4,U+1D6F7,U+1D6FA,U+1D6FC,U+1D6FD,U+1D6FE,U+1D6FF,U+1D700,U+1D702,U+1D703,U+1D706,U+1D707,U+1D70B,U+1D70E,U+1D711,U+1D714,U+1D73A"
pyftsubset "$source_font" --unicodes="$unicodes" --layout-features='' \
  --no-hinting --desubroutinize --flavor=woff2 \
  --output-file=book/_static/temml/book-math.woff2
