"""Lathe's helpers for code running in a Lathe Python session (importable there as ``lathe``).

    import lathe
    h = lathe.watch(model, optimizer=opt)      # per-layer gradient health, live in the Gradients panel
    ...
    lathe.log("loss", loss)                    # any scalar, charted next to it
    lathe.unwatch(model)                       # or h.unwatch()

Without an optimizer, mark each step with ``lathe.step()`` after ``optimizer.step()``.  Everything reaches
Lathe through the session driver's private marker channel; outside a Lathe session these calls work and
send nothing (one warning).  Pure Python; torch is imported only when a model is watched.
See ``lathe/_watch.py`` for what is measured and what it costs.
"""

from ._channel import in_session
from ._watch import Watch, log, step, unwatch, watch, watches

__all__ = ["watch", "unwatch", "step", "log", "watches", "in_session", "Watch"]
