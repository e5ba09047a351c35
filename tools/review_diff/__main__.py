"""Run the review: ``python -m tools.review_diff`` (see :mod:`tools.review_diff`)."""

from __future__ import annotations

import sys

from tools.review_diff.cli import main

sys.exit(main())
