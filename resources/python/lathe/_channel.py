"""How the ``lathe`` package reaches Lathe: the REPL driver's private marker channel.

Inside a Lathe session the driver (resources/python/lathe_driver.py, running as ``__main__``) registers
itself as ``sys.modules["lathe_driver"]``; its ``emit_marker(msg)`` writes ``msg`` as a nonce-protected
OSC marker into the terminal stream, in order with what user code prints.  Text that user code prints
never becomes a marker (it lacks the session's nonce), so nothing here prints.

Outside a session (plain ``python``, Jupyter) there is no driver: ``emit`` sends nothing and warns once.
"""

import sys
import warnings

_warned = [False]


def _emitter():
    driver = sys.modules.get("lathe_driver")
    fn = getattr(driver, "emit_marker", None)
    if fn is None or getattr(driver, "DRIVER", None) is None:
        return None
    return fn


def in_session():
    """True when markers reach a Lathe session."""
    fn = _emitter()
    if fn is None:
        return False
    driver = sys.modules.get("lathe_driver")
    channel = getattr(getattr(driver, "DRIVER", None), "channel", None)
    return getattr(channel, "prefix", None) is not None


def emit(msg):
    """Send one marker to Lathe; False (and one warning per process) when not in a Lathe session."""
    fn = _emitter()
    sent = False
    if fn is not None:
        try:
            sent = bool(fn(msg))
        except Exception:
            sent = False
    if not sent and not _warned[0]:
        _warned[0] = True
        warnings.warn("lathe: not running in a Lathe session; gradient samples and scalars are not sent anywhere",
                      RuntimeWarning, stacklevel=3)
    return sent
