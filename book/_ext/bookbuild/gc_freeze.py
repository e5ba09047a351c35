"""Keep Python's garbage collector off the objects a build only reads.

Python's cyclic garbage collector now and then walks every object the process
holds. A build holds a lot that it never frees: the modules of Sphinx, myst-nb,
the theme and their dependencies, then the environment of every page once
they are read. Each full walk over them took 0.1 to 0.3 s, about a dozen times
a cold build, and the walk Python makes when it exits took another 0.8 s
after the build had finished. So the build freezes (:func:`gc.freeze`) what
it holds once its builder is ready and again once every page is read: the
collector leaves those objects alone and still collects what the build
allocates after. Frozen objects are thawed when the build finishes, so a
process that goes on after a build (a test, an editor) gets its memory back;
at exit they are frozen once more, to skip the last, useless walk. The
``sphinx-build -j`` workers are forked from a frozen process and share its
pages of memory longer, which :func:`gc.freeze` is documented for.

Measured in turn with a copy of the book with and without this module, three
pairs on this two-core machine: a cold build took 27.4 to 30.1 s instead of
30.8 to 32.3 s, and a no-change rebuild 1.7 to 2.2 s instead of 2.5 to 3.2 s.

The collector is off altogether while the extensions are imported: listed
first in ``conf.py``'s ``extensions``, this module switches it off, and the
modules of myst-nb, the theme and the other extensions load without a walk
over the ones loaded before them. It is on again, with all of them frozen, as
soon as Sphinx has the configuration (``config-inited``, the first event after
the last extension is set up; if an extension fails to load before then, the
collector stays off in a process that ``sphinx-build`` then ends). That was a
quarter of the time Python took to import them (0.25 of 1.1 s). No-change
rebuilds, in pairs taken in turn: a median of 1.52 s against 1.82 s over six
pairs, and of 1.78 s against 1.97 s over eight pairs with
``PYTHONDONTWRITEBYTECODE=1`` (as this machine's benchmark runs, compiling the
extension each time). Listed later, the module only freezes, as before.
"""

from __future__ import annotations

import atexit
import gc
from functools import partial

from sphinx.application import Sphinx


def _resume(enabled: bool, *_: object) -> None:
    gc.freeze()  # every module the extensions imported: never garbage
    if enabled:
        gc.enable()


def _freeze(*_: object) -> None:
    gc.freeze()  # returns None: after env-updated, no page to read again


def _thaw(app: Sphinx, exception: BaseException | None) -> None:
    gc.unfreeze()


def setup(app: Sphinx) -> dict[str, bool]:
    """Pause the collector until the configuration is read; freeze as it runs."""
    app.connect("config-inited", partial(_resume, gc.isenabled()), priority=0)
    gc.disable()
    app.connect("builder-inited", _freeze, priority=999)
    app.connect("env-updated", _freeze, priority=999)
    app.connect("build-finished", _thaw, priority=999)
    atexit.unregister(gc.freeze)  # once, however many builds this process runs
    atexit.register(gc.freeze)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
