"""What runs inside a warm kernel, around the pages: the heavy imports once, then a clean start before each page.

A warm kernel serves many notebooks one after another (see `site.execute`). So that each page's outputs are
exactly those of a fresh kernel:
- `warm()` imports what every page imports (pandas, matplotlib with its Agg backend, seaborn, the report stage) and
  records matplotlib's settings as they stand after those imports;
- `fresh(folder)`, run before each notebook with its history off, closes every figure, puts matplotlib's settings
  back as `warm()` recorded them, clears the interactive namespace and restarts the execution count at 1 (as a new
  session), and moves into the notebook's folder so its relative paths resolve as they would in a kernel started
  there.
Modules stay imported: a page keeps no state in the modules it imports (no caches, counters or settings), so an
imported module is the same whichever page ran before.
"""
from __future__ import annotations

import os
import warnings

_SETTINGS: dict = {}


def warm() -> None:
    import matplotlib

    from . import charts, context, pages  # noqa: F401  (imported for their cost, paid once per kernel)

    _SETTINGS.clear()
    _SETTINGS.update(matplotlib.rcParams.copy())


def fresh(folder: str) -> None:
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    plt.close("all")
    with warnings.catch_warnings():  # setting a deprecated key back warns, though the page never set it
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(_SETTINGS)
    get_ipython().reset(new_session=True)
    os.chdir(folder)
