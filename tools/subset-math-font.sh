#!/usr/bin/env bash
# Remake book/_static/temml/book-math.woff2, the book's maths font: a subset
# of Latin Modern Math (Debian's fonts-lmodern) with its MATH table, written
# as WOFF2. Needs fonts-lmodern (apt-get install fonts-lmodern) and
# fonttools with brotli (pip install fonttools brotli). Run from the repo root.
set -euo pipefail
source_font=${LATIN_MODERN_MATH:-/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf}
# ASCII, Latin-1 signs, Greek, the operators and fences the book uses, and the
# bold and italic mathematical letters that MathML's <mi> is drawn with.
unicodes="U+0020-007E,U+00A0,U+00AF,U+00B0,U+00B1,U+00B7,U+00D7,U+00F7,U+0131,U+0237,U+0391-03A9,U+03B1-03C9,U+03D1,U+03D5,U+03F5,U+2013,U+2014,U+2016,U+2026,U+2032,U+2033,U+2034,U+2061-2063,U+210E,U+2115,U+211A,U+211D,U+2124,U+2190,U+2192,U+2194,U+21A6,U+21D2,U+21D4,U+2200,U+2202,U+2203,U+2207,U+2208,U+2209,U+220F,U+2211,U+2212,U+2213,U+2216,U+2217,U+2218,U+221A,U+221D,U+221E,U+2220,U+2223,U+2225,U+2229,U+222A,U+222B,U+223C,U+2248,U+2260,U+2261,U+2264,U+2265,U+226A,U+226B,U+2282,U+2286,U+22C5,U+22EE,U+22EF,U+22F1,U+2308,U+2309,U+230A,U+230B,U+23DC,U+23DD,U+23DE,U+23DF,U+23E0,U+23E1,U+27E8,U+27E9,U+1D400-1D467,U+1D6A4-1D6A5,U+1D6A8-1D6E1,U+1D71C-1D755,U+203E,U+27F5-27FA"
pyftsubset "$source_font" --unicodes="$unicodes" --layout-features=ssty \
  --no-hinting --desubroutinize --flavor=woff2 \
  --output-file=book/_static/temml/book-math.woff2
