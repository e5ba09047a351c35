"""Check that .venv can build this clone's book: say what is wrong, or nothing.

Run by ``make`` with .venv's own Python before every target that uses it.
It exits 1, listing the problems, when .venv

* was made by a Python the book does not support,
* belongs to another folder (copied from another clone: its scripts and its
  editable install of nnbasics point there),
* imports nnbasics from anywhere but this clone's ``code/``, or
* holds other versions than ``requirements.lock`` pins for this Python.

The Makefile then makes .venv again from the lock file. Only the standard
library and ``packaging`` (which pip and Sphinx bring) are used.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED = ((3, 11), (3, 12))  # the Pythons the lock file is made and tested for
# "name==version ; marker \" lines of the lock file
PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$"
)


def locked_versions(lock: Path) -> dict[str, str]:
    """Return the version the lock file pins for each package on this Python."""
    from packaging.markers import Marker
    from packaging.utils import canonicalize_name

    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match is None:
            continue
        name, version, marker = match.groups()
        if marker and not Marker(marker).evaluate():
            continue
        pins[canonicalize_name(name)] = version
    return pins


def problems(root: Path = ROOT) -> list[str]:
    """Return what keeps .venv from building the book in ``root``."""
    found = []
    here = sys.version_info[:2]
    if here not in SUPPORTED:
        wanted = " or ".join(f"{major}.{minor}" for major, minor in SUPPORTED)
        made_by = f"{here[0]}.{here[1]}"
        found.append(f"it was made by Python {made_by}; the book needs {wanted}")
    if Path(sys.prefix).resolve() != (root / ".venv").resolve():
        found.append(f"it belongs to {sys.prefix}, not to {root / '.venv'}")
    spec = importlib.util.find_spec("nnbasics")  # found, not imported: quick
    if spec is None or spec.origin is None:
        found.append("nnbasics is not installed in it")
    elif not Path(spec.origin).resolve().is_relative_to((root / "code").resolve()):
        found.append(f"it imports nnbasics from {Path(spec.origin).parent}, not code/")
    from packaging.utils import canonicalize_name

    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
    }
    for name, version in sorted(locked_versions(root / "requirements.lock").items()):
        if installed.get(name) != version:
            have = installed.get(name, "nothing")
            found.append(f"it has {name} {have}, the lock file pins {version}")
    return found


def main() -> int:
    """Print the problems (if any) and return the exit status."""
    found = problems()
    for problem in found:
        print(f".venv is not fit to build the book: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
