"""axe-core on every page, in the light and the dark theme.

axe-core comes bundled with the ``axe-playwright-python`` package (no
download) and runs every rule, the experimental ones included. Hidden
solutions are opened before it runs, so that their content is checked too.
The aim is no violation at all, of any impact; the serious and critical ones
are reported by a test of their own, so that a failure says at once how bad
it is.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import MODES, PAGES, ZH_PAGES
from tests.browser.harness import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.build]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PAGES + ZH_PAGES)
def test_axe_finds_no_serious_or_critical_violation(site_audit, name, mode):
    violations = site_audit(name, mode).axe["violations"]
    severe = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert severe == [], f"{name} ({mode}):\n{format_violations(severe)}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PAGES + ZH_PAGES)
def test_axe_finds_no_violation_at_all(site_audit, name, mode):
    violations = site_audit(name, mode).axe["violations"]
    assert violations == [], f"{name} ({mode}):\n{format_violations(violations)}"
