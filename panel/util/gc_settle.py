"""Keep the garbage collector off what a window built at start-up."""

from __future__ import annotations

import gc


def freeze_startup() -> None:
    """Move every object alive now out of the collector's sight (`gc.freeze`).

    What start-up built lives as long as the window: the modules, the widgets'
    wrappers, and the log ring's column of a million line texts. The collector
    walks every item of every list it looks at, and walking that column cost a
    30-170 ms pause (one cache miss a line) whenever a collection came upon it
    during a log flood; frozen, later collections only look at what is new.
    """
    gc.freeze()
