# -*- coding: utf-8 -*-
"""Lathe's Python REPL driver.

Started by Lathe's pty host inside a pseudo-terminal as ``<python> lathe_driver.py`` with the project
root as the working directory.  It implements the REPL protocol of
``src-main/common/protocols/repl.ts``:

* **Control** (host -> driver): JSON lines on the Unix socket named by ``LATHE_REPL_SOCKET``
  (``{"op": "run", ...}`` and ``{"op": "vars"}``), read only while the driver is idle.
* **Markers** (driver -> host): ``ESC ] 7337 ; <nonce> ; <base64 JSON> BEL`` written into the terminal
  output through the real stdout object, so they stay in order with what user code prints.

Everything else the user sees is an ordinary terminal REPL: an ``In [n]:`` prompt, lines typed at it are
run, results are shown as ``Out[n]:``, tracebacks are printed, ``input()`` and pdb read from the terminal.

IPython is used when it can be imported (magics, ``!cmd``, rich display, inline matplotlib); otherwise a
small built-in REPL with the same markers is used (``LATHE_REPL_NO_IPYTHON=1`` forces it).  Only the
standard library is imported by the driver; numpy, torch and pandas are only looked at in
``sys.modules`` when user code imported them.  Without ``LATHE_REPL_SOCKET`` the driver runs as a plain
terminal REPL (handy for manual testing; Ctrl-D then exits).

Note on syntax: the file deliberately avoids syntax newer than Python 2.7/3.5 (no f-strings, keyword-only
parameters, annotations, ``nonlocal``...) so that old interpreters reach the version check below and
print a clear message instead of a SyntaxError.
"""

import sys

if sys.version_info < (3, 8):
    sys.stderr.write("Lathe needs Python 3.8 or newer (this is Python %s at %s).\n"
                     % (sys.version.split()[0], sys.executable))
    sys.stderr.flush()
    sys.exit(1)

import _thread
import ast
import base64
import builtins
import codecs
import codeop
import io
import json
import linecache
import os
import reprlib
import select
import signal
import socket
import time
import traceback
import types

# ---------------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------------

DRIVER_FILE = os.path.abspath(__file__)
OSC_PREFIX = "\x1b]7337;"
OSC_END = "\x07"

VARS_MAX = 200            # entries in a vars snapshot
VARS_BUDGET_S = 0.050     # time budget of a vars snapshot
REPR_MAX = 200            # characters of a variable's repr
STATS_MAX = 1 << 20       # elements used for array/tensor statistics
STATS_BLOCK = 1 << 10     # contiguous run length of a statistics sample
COLUMNS_MAX = 50          # DataFrame columns listed
ECHO_MAX_LINES = 20       # source lines echoed after the prompt

USE_COLOR = not os.environ.get("NO_COLOR")

_exec = getattr(builtins, "exec")
_CO_COROUTINE = 0x0080    # inspect.CO_COROUTINE, without importing inspect
_TOP_LEVEL_AWAIT = getattr(ast, "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0)


def _sgr(code, text):
    """``text`` in the ANSI colour ``code`` (unless NO_COLOR is set)."""
    if not USE_COLOR:
        return text
    return "\x1b[%sm%s\x1b[0m" % (code, text)


def in_prompt(n):
    if not USE_COLOR:
        return "In [%d]: " % n
    return "\x1b[32mIn [\x1b[1;32m%d\x1b[0;32m]: \x1b[0m" % n


def cont_prompt(n):
    width = len("In [%d]: " % n)
    return _sgr("32", " " * (width - 5) + "...: ")


def out_prompt(n):
    if not USE_COLOR:
        return "Out[%d]: " % n
    return "\x1b[31mOut[\x1b[1;31m%d\x1b[0;31m]: \x1b[0m" % n


# ---------------------------------------------------------------------------------------------------
# JSON helpers
# ---------------------------------------------------------------------------------------------------

def _json_default(obj):
    if isinstance(obj, (bytes, bytearray)):
        return base64.b64encode(bytes(obj)).decode("ascii")
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    try:
        return str(obj)
    except Exception:
        return "<unserializable>"


def _sanitize(obj, depth=0):
    """A copy of ``obj`` that is strict JSON: non-finite floats become null, cycles are cut."""
    if depth > 64:
        return None
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return dict((str(k), _sanitize(v, depth + 1)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return [_sanitize(v, depth + 1) for v in obj]
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    return _sanitize(_json_default(obj), depth + 1)


def dumps(msg):
    """Strict JSON (no NaN/Infinity: JavaScript's JSON.parse rejects them), ASCII bytes."""
    try:
        text = json.dumps(msg, allow_nan=False, default=_json_default, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):
        text = json.dumps(_sanitize(msg), allow_nan=False, separators=(",", ":"))
    return text.encode("ascii")


def clean_bundle(data):
    """A MIME bundle with JSON-able values: image bytes -> base64, other bytes -> text."""
    out = {}
    if not isinstance(data, dict):
        return out
    for mime, value in data.items():
        mime = str(mime)
        if isinstance(value, (bytes, bytearray)):
            if mime.startswith("image/") and mime != "image/svg+xml":
                value = base64.b64encode(bytes(value)).decode("ascii")
            else:
                value = bytes(value).decode("utf-8", "replace")
        out[mime] = value
    return out


# ---------------------------------------------------------------------------------------------------
# SIGINT policy
# ---------------------------------------------------------------------------------------------------

class Interrupts(object):
    """Decides what Ctrl-C (SIGINT) does.

    KeyboardInterrupt is raised only while ``armed`` (user code runs, or the driver waits at the idle
    prompt) and outside the driver's critical sections (writing a marker).  A SIGINT that arrives inside
    a critical section while armed is raised when the section ends; any other one is ignored.
    """

    def __init__(self):
        self.armed = False
        self.depth = 0
        self.pending = False
        self.main_thread = _thread.get_ident()

    def install(self):
        signal.signal(signal.SIGINT, self.handler)

    def handler(self, signum, frame):
        __tracebackhide__ = True  # IPython leaves this frame out of the user's traceback
        if self.armed and self.depth == 0:
            raise KeyboardInterrupt
        self.pending = self.armed

    def arm(self):
        self.pending = False
        self.armed = True

    def disarm(self):
        self.armed = False
        self.pending = False

    def restore(self):
        """Reinstall our handler after a run if pdb (or a reset to the default) replaced it."""
        try:
            current = signal.getsignal(signal.SIGINT)
        except Exception:
            return
        if current == self.handler:
            return
        owner = getattr(current, "__self__", None)
        pdb = sys.modules.get("pdb")
        is_pdb = pdb is not None and isinstance(owner, getattr(pdb, "Pdb", ()))
        if is_pdb or current in (None, signal.SIG_DFL, signal.default_int_handler):
            self.install()

    # Critical section (only the main thread's sections matter: the handler runs there).
    def __enter__(self):
        if _thread.get_ident() == self.main_thread:
            self.depth += 1
        return self

    def __exit__(self, etype, evalue, tb):
        if _thread.get_ident() == self.main_thread:
            self.depth -= 1
            if self.depth == 0 and self.pending and etype is None:
                self.pending = False
                if self.armed:
                    raise KeyboardInterrupt
        return False


# ---------------------------------------------------------------------------------------------------
# Terminal output and markers
# ---------------------------------------------------------------------------------------------------

class Channel(object):
    """Writes driver text and markers to the terminal (the pty) in order with user output: what user code
    printed is flushed first, then the driver's bytes go out through a private copy of stdout's file
    descriptor.  A cell that closes ``sys.stdout``, or fd 1 itself, therefore can't silence the driver
    (the run's end marker would be lost and the session would look busy for ever)."""

    def __init__(self, out, nonce, guard):
        self.out = out
        self.fd = os.dup(out.fileno())
        self.encoding = getattr(out, "encoding", None) or "utf-8"
        self.guard = guard
        self.prefix = None if not nonce else OSC_PREFIX + nonce + ";"
        self.to_stderr = self._marker({"t": "stream", "name": "stderr"})
        self.to_stdout = self._marker({"t": "stream", "name": "stdout"})
        self.to_terminal = self._marker({"t": "stream", "name": "terminal"})

    def _marker(self, msg):
        if self.prefix is None:
            return ""
        return self.prefix + base64.b64encode(dumps(msg)).decode("ascii") + OSC_END

    def flush(self):
        """Flush what user code printed (through sys.stdout, a replacement of it, or the original)."""
        current = sys.stdout
        for stream in (current, sys.__stdout__) if current is not sys.__stdout__ else (current,):
            if stream is not None:
                try:
                    stream.flush()
                except Exception:
                    pass

    def _send(self, text):
        data = text.encode(self.encoding, "replace")
        while data:
            data = data[os.write(self.fd, data):]

    def write(self, text):
        """Driver terminal text (prompts, echo, Out[n], tracebacks): marked as the ``terminal`` stream,
        so that it is shown but never mistaken for what the user's code printed."""
        with self.guard:
            self.flush()
            self._send(self.to_terminal + text + self.to_stdout)

    def emit(self, msg):
        if self.prefix is None:
            return
        marker = self._marker(msg)
        with self.guard:
            self.flush()
            self._send(marker)

    def write_stderr(self, text):
        """stderr text: switch to stderr, the text, switch back, in one write."""
        with self.guard:
            self.flush()
            self._send(self.to_stderr + text + self.to_stdout)


class StdStreams(object):
    """Standard input, output and error as the session started with them.  A cell that closes one (the
    Python object or its file descriptor) would leave the REPL deaf or mute; ``repair`` puts them back
    after the run and returns what it reopened, for a note in the run's output."""

    def __init__(self):
        self.saved = {}
        for fd in (0, 1, 2):
            try:
                self.saved[fd] = os.dup(fd)
            except OSError:
                pass

    def repair(self):
        fixed = []
        for fd, saved in sorted(self.saved.items()):
            try:
                os.fstat(fd)
            except OSError:
                try:
                    os.dup2(saved, fd)
                    fixed.append("file descriptor %d" % fd)
                except OSError:
                    pass
        for name, fd, mode in (("stdin", 0, "r"), ("stdout", 1, "w")):
            current, original = getattr(sys, name), getattr(sys, "__%s__" % name)
            if original is None or getattr(original, "closed", False):
                fresh = io.open(fd, mode, encoding=getattr(original, "encoding", None) or "utf-8",
                                errors=getattr(original, "errors", None) or "strict",
                                buffering=1 if mode == "w" else -1, closefd=False)
                setattr(sys, "__%s__" % name, fresh)
                fixed.append("sys.__%s__" % name if current is not original else "sys.%s" % name)
                if current is original:
                    setattr(sys, name, fresh)
                    continue
            if current is None or getattr(current, "closed", False):
                setattr(sys, name, getattr(sys, "__%s__" % name))
                fixed.append("sys.%s" % name)
        return fixed


class _StderrBuffer(object):
    """``sys.stderr.buffer`` for code that writes bytes to stderr."""

    def __init__(self, proxy):
        self._proxy = proxy

    def write(self, data):
        self._proxy.write(bytes(data).decode(self._proxy.encoding or "utf-8", "replace"))
        return len(data)

    def flush(self):
        self._proxy.flush()

    def isatty(self):
        return self._proxy.isatty()

    def fileno(self):
        return self._proxy.fileno()


class StderrProxy(object):
    """``sys.stderr``: text goes to the terminal between stream markers (stderr, then stdout again)."""

    mode = "w"
    name = "<stderr>"
    line_buffering = True
    write_through = True
    closed = False
    newlines = None

    def __init__(self, channel, real):
        self._channel = channel
        self._real = real
        self.encoding = channel.encoding
        self.errors = "replace"
        self.buffer = _StderrBuffer(self)

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        if text:
            self._channel.write_stderr(text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self._channel.flush()

    def fileno(self):
        return self._real.fileno() if self._real is not None else 2

    def isatty(self):
        try:
            return os.isatty(self.fileno())
        except Exception:
            return False

    def writable(self):
        return True

    def readable(self):
        return False

    def seekable(self):
        return False

    def close(self):
        pass

    def __getattr__(self, name):
        if self._real is None:
            raise AttributeError(name)
        return getattr(self._real, name)


# ---------------------------------------------------------------------------------------------------
# Input channels: control socket and terminal lines
# ---------------------------------------------------------------------------------------------------

class Control(object):
    """The control socket: JSON lines from the host."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.closed = False

    def fileno(self):
        return self.sock.fileno()

    def feed(self):
        try:
            data = self.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            self.buf += data
        else:
            self.closed = True

    def pop(self):
        """The next complete message, or None.  Malformed lines are reported and skipped."""
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line.decode("utf-8"))
                if isinstance(msg, dict):
                    return msg
            except ValueError:
                pass
            raise ValueError("malformed control line: %r" % line[:200])
        return None


EOF = object()


class TerminalReader(object):
    """Lines typed at the idle prompt (the pty is in canonical mode: one read, one line)."""

    def __init__(self, fd, encoding):
        self.fd = fd
        self.decoder = codecs.getincrementaldecoder(encoding or "utf-8")("replace")
        self.partial = ""
        self.usable = True
        self.eof_times = []

    def read(self):
        """Complete lines (without newline) and EOF markers from one read."""
        try:
            data = os.read(self.fd, 1 << 16)
        except (BlockingIOError, InterruptedError):
            return []
        except OSError:
            self.usable = False
            return []
        if not data:
            now = time.monotonic()
            self.eof_times = [t for t in self.eof_times if now - t < 1.0] + [now]
            if len(self.eof_times) > 50 or not os.isatty(self.fd):
                self.usable = False  # a dead terminal, not a user pressing Ctrl-D
            if self.partial:
                return []
            return [EOF]
        self.partial += self.decoder.decode(data)
        parts = self.partial.replace("\r\n", "\n").split("\n")
        self.partial = parts.pop()
        return parts


# ---------------------------------------------------------------------------------------------------
# Rich display (plain mode)
# ---------------------------------------------------------------------------------------------------

_REPR_METHODS = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("text/latex", "_repr_latex_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("application/json", "_repr_json_"),
    ("application/javascript", "_repr_javascript_"),
)


def _real_method(obj, name):
    """``obj.name`` if it is a real method (not a class, not an anything-goes ``__getattr__``)."""
    if isinstance(obj, type):
        return None
    try:
        if getattr(obj, "_ipython_canary_method_should_not_exist_", None) is not None:
            return None
        method = getattr(obj, name, None)
    except Exception:
        return None
    return method if callable(method) else None


def safe_repr(obj):
    try:
        return repr(obj)
    except Exception as e:
        return "<%s object; repr() failed: %s>" % (type(obj).__name__, type(e).__name__)


def mime_bundle(obj):
    """(data, metadata) for ``obj`` following IPython's rich-repr protocol; never raises Exception."""
    data, metadata = {}, {}
    method = _real_method(obj, "_repr_mimebundle_")
    if method is not None:
        try:
            r = method(include=None, exclude=None)
            if isinstance(r, tuple) and len(r) == 2:
                data, metadata = dict(r[0] or {}), dict(r[1] or {})
            elif isinstance(r, dict):
                data = dict(r)
        except Exception:
            data, metadata = {}, {}
    for mime, name in _REPR_METHODS:
        if mime in data:
            continue
        method = _real_method(obj, name)
        if method is None:
            continue
        try:
            r = method()
        except Exception:
            continue
        if isinstance(r, tuple) and len(r) == 2:
            r, md = r
            if md:
                metadata[mime] = md
        if r is not None:
            data[mime] = r
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None and "image/png" not in data:
        try:
            if isinstance(obj, figure_module.Figure):
                import io
                buf = io.BytesIO()
                obj.savefig(buf, format="png", bbox_inches="tight")
                data["image/png"] = buf.getvalue()
        except Exception:
            pass
    if not isinstance(data.get("text/plain"), str):
        data["text/plain"] = safe_repr(obj)
    return clean_bundle(data), metadata


# ---------------------------------------------------------------------------------------------------
# Variables snapshot
# ---------------------------------------------------------------------------------------------------

_TYPE_NAMES = {}
_SIZED = (list, tuple, dict, set, frozenset, str, bytes, bytearray, range)


def type_name(tp):
    """``int``, ``numpy.ndarray``, ``torch.Tensor``, ``pandas.DataFrame``, ``Foo`` (from __main__)."""
    name = _TYPE_NAMES.get(tp)
    if name is not None:
        return name
    mod = getattr(tp, "__module__", None) or ""
    qual = getattr(tp, "__qualname__", None) or getattr(tp, "__name__", "?")
    if mod in ("builtins", "__main__", ""):
        name = qual
    else:
        name = mod + "." + qual
        top = mod.split(".", 1)[0]
        if top != mod and "." not in qual:
            try:
                if getattr(sys.modules.get(top), qual, None) is tp:
                    name = top + "." + qual
            except Exception:
                pass
    if len(_TYPE_NAMES) > 2000:
        _TYPE_NAMES.clear()  # classes redefined cell after cell must not pile up
    try:
        _TYPE_NAMES[tp] = name
    except TypeError:
        pass
    return name


def _fmt(v):
    if isinstance(v, float):
        return format(v, ".6g")
    text = repr(v)
    return text if len(text) <= 24 else text[:21] + "..."


def _sample_index(shape, strides, limit):
    """Per-axis strided slices keeping about ``limit`` elements.  Axes with the largest memory
    strides are thinned first, so that the sample is made of long runs of nearby elements."""
    steps = [1] * len(shape)
    total = 1
    for n in shape:
        total *= n
    for i in sorted(range(len(shape)), key=lambda k: -abs(strides[k])):
        if total <= limit:
            break
        step = min(-(-total // limit), shape[i])
        steps[i] = step
        total = total // shape[i] * (-(-shape[i] // step))
    return tuple(slice(None, None, s) for s in steps)


def _flat_sample(flat, n):
    """A view of about STATS_MAX elements of a flat array/tensor of ``n`` elements: evenly spaced
    blocks of contiguous elements (cache- and TLB-friendly even for a multi-GiB array)."""
    block = STATS_BLOCK
    rows = n // block
    step = max(1, rows // (STATS_MAX // block))
    return flat[:rows * block].reshape(rows, block)[::step]


def _first_items(x, size, k=6):
    """First ``k`` elements in flat order (from the first row: no copy of the whole array/tensor),
    and whether there are more."""
    row = x[(0,) * (len(x.shape) - 1)] if len(x.shape) > 1 else x
    items = row[:k].tolist()
    return items, size > len(items)


def _stats(minv, maxv, mean, nan, inf, sampled):
    return {"min": minv, "max": maxv, "mean": mean, "nan": int(nan), "inf": int(inf),
            "sampled": bool(sampled)}


def numpy_info(info, a, np):
    info["shape"] = [int(n) for n in a.shape]
    info["dtype"] = str(a.dtype)
    info["length"] = int(a.shape[0]) if a.ndim else None
    if a.ndim == 0:
        info["repr"] = "array(%s, dtype=%s)" % (_fmt(a.item()), a.dtype)
    else:
        if a.dtype.kind == "O":
            body = "..."  # arbitrary objects: their reprs could be huge or slow
        else:
            items, more = (_first_items(a, a.size) if a.size else ([], False))
            body = ", ".join(_fmt(v) for v in items) + (", ..." if more else "")
        info["repr"] = "array([%s], shape=%s, dtype=%s)" % (body, tuple(info["shape"]), a.dtype)
    kind = a.dtype.kind
    if kind not in "iuf" or a.size == 0 or isinstance(a, getattr(np, "memmap", ())):
        return
    sampled = a.size > STATS_MAX
    s = a
    if sampled:
        if a.flags.c_contiguous:
            s = _flat_sample(a.reshape(-1), a.size)
        else:
            s = a[_sample_index(a.shape, a.strides, STATS_MAX)]
    s = np.asarray(s)
    nan = inf = 0
    if kind == "f":
        nan = int(np.count_nonzero(np.isnan(s)))
        inf = int(np.count_nonzero(np.isinf(s)))
        if nan or inf:
            s = s[np.isfinite(s)]
    if s.size:
        info["stats"] = _stats(float(s.min()), float(s.max()), float(s.mean(dtype=np.float64)),
                               nan, inf, sampled)
    else:
        info["stats"] = _stats(None, None, None, nan, inf, sampled)


def torch_info(info, t, torch):
    x = t.detach()
    info["shape"] = [int(n) for n in x.shape]
    info["dtype"] = str(x.dtype)
    info["device"] = str(x.device)
    info["requiresGrad"] = bool(t.requires_grad)
    info["length"] = int(x.shape[0]) if x.dim() else None
    dense = x.layout == torch.strided and x.device.type != "meta"
    body = "[...]"
    if dense and x.dim() == 0:
        body = _fmt(x.item())
    elif dense and x.numel():
        items, more = _first_items(x, x.numel())
        body = "[" + ", ".join(_fmt(v) for v in items) + (", ...]" if more else "]")
    elif dense:
        body = "[]"
    extra = "" if x.device.type == "cpu" else ", device='%s'" % x.device
    if t.requires_grad:
        extra += ", requires_grad=True"
    shape = "" if x.dim() == 0 else ", shape=%s" % (tuple(info["shape"]),)
    info["repr"] = "tensor(%s%s, dtype=%s%s)" % (body, shape, x.dtype, extra)
    dt = x.dtype
    if not dense or x.numel() == 0 or dt.is_complex or dt == torch.bool or getattr(dt, "is_quantized", False):
        return
    n = x.numel()
    sampled = n > STATS_MAX
    if sampled:
        if x.is_contiguous():
            s = _flat_sample(x.reshape(-1), n)
        else:
            s = x[_sample_index(tuple(x.shape), x.stride(), STATS_MAX)]
    else:
        s = x
    s = s.cpu()  # only the sample leaves the device (a no-op on the CPU)
    nan = inf = 0
    if dt.is_floating_point:
        nan = int(torch.isnan(s).sum().item())
        inf = int(torch.isinf(s).sum().item())
        if nan or inf:
            s = s[torch.isfinite(s)]
    count = s.numel()
    if count:
        mean = s.sum(dtype=torch.float64).item() / count
        info["stats"] = _stats(float(s.min().item()), float(s.max().item()), mean, nan, inf, sampled)
    else:
        info["stats"] = _stats(None, None, None, nan, inf, sampled)


def pandas_info(info, obj, pd):
    info["shape"] = [int(n) for n in obj.shape]
    info["length"] = int(obj.shape[0])
    if isinstance(obj, pd.DataFrame):
        info["columns"] = [str(c) for c in list(obj.columns[:COLUMNS_MAX])]
        info["repr"] = "DataFrame: %d rows x %d columns" % (obj.shape[0], obj.shape[1])
    else:
        info["dtype"] = str(obj.dtype)
        info["repr"] = "Series %s: %d values, dtype %s" % (
            reprlib.repr(obj.name), obj.shape[0], obj.dtype)


class ShortRepr(reprlib.Repr):
    """reprlib with small limits that never calls a full repr on arrays, tensors or DataFrames."""

    def __init__(self):
        reprlib.Repr.__init__(self)
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxarray = self.maxset = self.maxfrozenset = 8
        self.maxdeque = self.maxdict = 8
        self.maxstring = 160
        self.maxlong = 60
        self.maxother = 160

    def repr1(self, x, level):
        info = {}
        if special_info(info, x):
            return info.get("repr", "...")
        return reprlib.Repr.repr1(self, x, level)


def special_info(info, value):
    """Fill ``info`` for numpy arrays, torch tensors and pandas objects; False for other values."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, getattr(np, "ndarray", ())):
        numpy_info(info, value, np)
        return True
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, getattr(torch, "Tensor", ())):
        torch_info(info, value, torch)
        return True
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (getattr(pd, "DataFrame", ()), getattr(pd, "Series", ()))):
        pandas_info(info, value, pd)
        return True
    return False


class Inspector(object):
    """Builds ``vars`` snapshots of the user namespace."""

    def __init__(self, is_hidden):
        self.is_hidden = is_hidden
        self.repr = ShortRepr()

    def describe(self, name, value):
        info = {"name": name, "type": "?", "repr": ""}
        try:
            info["type"] = type_name(type(value))
            if not special_info(info, value):
                info["repr"] = self.repr.repr(value)
                if isinstance(value, _SIZED) or type_name(type(value)) in ("collections.deque",):
                    info["length"] = len(value)
        except Exception as e:
            if not info.get("repr"):
                info["repr"] = "<error: %s>" % type(e).__name__
        if len(info["repr"]) > REPR_MAX:
            info["repr"] = info["repr"][:REPR_MAX - 3] + "..."
        return info

    def snapshot(self, ns):
        t0 = time.perf_counter()
        out = []
        truncated = False
        for name in list(ns):
            if not isinstance(name, str) or name.startswith("_"):
                continue
            try:
                value = ns[name]
            except KeyError:
                continue
            if self.is_hidden(name, value):
                continue
            if len(out) >= VARS_MAX or time.perf_counter() - t0 > VARS_BUDGET_S:
                truncated = True
                break
            out.append(self.describe(name, value))
        return {"t": "vars", "vars": out, "truncated": truncated,
                "elapsedMs": (time.perf_counter() - t0) * 1000.0}


def is_driver_object(value):
    if isinstance(value, types.ModuleType):
        return True
    func = getattr(value, "__func__", value)
    code = getattr(func, "__code__", None) if isinstance(func, types.FunctionType) else None
    if code is not None and code.co_filename == DRIVER_FILE:
        return True
    return isinstance(value, type) and value in DRIVER_CLASSES


# ---------------------------------------------------------------------------------------------------
# Profile cell: one run under cProfile (only when asked; nothing here runs otherwise)
# ---------------------------------------------------------------------------------------------------

PROFILE_MIME = "application/vnd.lathe.profile+json"
PROFILE_ROWS_MAX = 300     # function table rows (by tottime)
PROFILE_DEPTH_MAX = 12     # flame tree levels below the cell
PROFILE_WIDTH_MAX = 24     # children kept per tree node
PROFILE_NODES_MAX = 2000   # tree nodes in all
PROFILE_MIN_SHARE = 0.005  # tree nodes under this share of the cell are merged into "other"


class CellProfile(object):
    """A cProfile.Profile for one run, and the code files of the cell it ran (the tree's roots)."""

    def __init__(self):
        import cProfile
        self.profiler = cProfile.Profile()
        self.cell_files = set()
        self.problem = None

    def enable(self):
        try:
            self.profiler.enable()
        except ValueError as e:  # another profiler (sys.setprofile, cProfile) is active
            if self.problem is None:
                self.problem = str(e)

    def disable(self):
        self.profiler.disable()


class _ProfiledAwaitable(object):
    """Wraps IPython's ``run_code`` coroutine: the profiler is on only while the cell's code runs.
    (A class rather than ``async def``: this file must parse on old interpreters.)"""

    def __init__(self, coro, profile):
        self.coro = coro
        self.profile = profile

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)

    def send(self, value):
        self.profile.enable()
        try:
            return self.coro.send(value)
        finally:
            self.profile.disable()

    def throw(self, *args):
        self.profile.enable()
        try:
            return self.coro.throw(*args)
        finally:
            self.profile.disable()

    def close(self):
        return self.coro.close()


def _machinery_dirs():
    dirs = []
    for name in ("IPython", "traitlets"):
        mod = sys.modules.get(name)
        path = getattr(mod, "__file__", None)
        if path:
            dirs.append(os.path.dirname(os.path.abspath(path)) + os.sep)
    return tuple(dirs)


def _label(code):
    if isinstance(code, str):
        return ("~", 0, code)
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _profile_stats(prof):
    """pstats' table, ``(file, line, name) -> [primcalls, ncalls, tottime, cumtime, callers]`` with
    callers' values ``[ncalls, primcalls, tottime, cumtime]``, built like ``Profile.create_stats`` but
    summing code objects that share a label (a cell compiled as several ``<module>`` code objects)
    instead of keeping the last one."""
    entries = prof.getstats()
    stats = {}
    for entry in entries:
        key = _label(entry.code)
        nc = entry.callcount
        row = stats.get(key)
        if row is None:
            row = stats[key] = [0, 0, 0.0, 0.0, {}]
        row[0] += nc - entry.reccallcount
        row[1] += nc
        row[2] += entry.inlinetime
        row[3] += entry.totaltime
    for entry in entries:
        if not entry.calls:
            continue
        key = _label(entry.code)
        for sub in entry.calls:
            row = stats.get(_label(sub.code))
            if row is None:
                continue
            edge = row[4].get(key)
            if edge is None:
                edge = row[4][key] = [0, 0, 0.0, 0.0]
            edge[0] += sub.callcount
            edge[1] += sub.callcount - sub.reccallcount
            edge[2] += sub.inlinetime
            edge[3] += sub.totaltime
    return stats


def profile_report(profile):
    """The ``application/vnd.lathe.profile+json`` payload of a finished profile:
    ``{totalS, rows, tree, ...}`` with the driver's and IPython's own frames left out."""
    stats = _profile_stats(profile.profiler)
    dirs = _machinery_dirs()

    def machinery(key):
        f = key[0]
        return f == DRIVER_FILE or (bool(dirs) and f.startswith(dirs))

    callees = {}
    for key, value in stats.items():
        for caller in value[4]:
            callees.setdefault(caller, []).append(key)

    # Roots: the cell's own code objects.  Then everything they reach, not through the machinery.
    candidates = [k for k in stats if k[2] == "<module>" and k[0] in profile.cell_files]
    reach = set()
    stack = list(candidates)
    inner = set()
    while stack:
        key = stack.pop()
        if key in reach:
            continue
        reach.add(key)
        for c in callees.get(key, ()):
            if machinery(c):
                continue
            if c in candidates:
                inner.add(c)
            if c not in reach:
                stack.append(c)
    # A candidate another candidate runs (exec of itself) is not a root; keep at least one.
    roots = [k for k in candidates if k not in inner] or candidates[:1]

    # Per-function figures, counting only calls made from the cell's side.
    figures = {}
    for key in reach:
        cc, nc, tt, ct, callers = stats[key]
        if key not in roots and any(c not in reach for c in callers):
            cc = nc = 0
            tt = ct = 0.0
            for caller, edge in callers.items():
                if caller in reach:
                    nc += edge[0]
                    cc += edge[1]
                    tt += edge[2]
                    if caller != key:
                        ct += edge[3]
        figures[key] = (cc, nc, tt, ct)

    total = 0.0
    for r in roots:
        total += stats[r][3]

    def func_file(key):
        f = key[0]
        return "" if f == "~" else f

    rows = []
    for key in sorted(figures, key=lambda k: -figures[k][2]):
        cc, nc, tt, ct = figures[key]
        if nc == 0 and key not in roots:
            continue
        rows.append({"func": key[2], "file": func_file(key), "line": int(key[1]), "ncalls": int(nc),
                     "primcalls": int(cc), "tottime": float(tt), "cumtime": float(ct)})
    rows_total = len(rows)
    rows = rows[:PROFILE_ROWS_MAX]

    # The call tree (for the flame graph), from the callers data: a function's time under one parent is
    # that edge's cumtime, scaled by the share of the parent's own time this occurrence stands for.
    min_s = total * PROFILE_MIN_SHARE
    budget = [PROFILE_NODES_MAX]

    def node(key, cum, depth, path):
        fig = figures.get(key)
        scale = (cum / fig[3]) if fig and fig[3] > 0 else 0.0
        out = {"func": key[2], "file": func_file(key), "line": int(key[1]), "cumtime": float(cum),
               "tottime": float(fig[2] * scale) if fig else 0.0, "children": []}
        if depth >= PROFILE_DEPTH_MAX or budget[0] <= 0:
            return out
        kids = []
        for c in callees.get(key, ()):
            if c not in figures or c in path:
                continue
            edge = stats[c][4].get(key)
            if edge is None:
                continue
            t = edge[3] * scale
            if t > 0:
                kids.append((t, c))
        out["children"] = children(kids, depth, path | {key})
        return out

    def children(kids, depth, path):
        kids.sort(key=lambda x: -x[0])
        shown, other = [], 0.0
        for t, c in kids:
            if t < min_s or len(shown) >= PROFILE_WIDTH_MAX or budget[0] <= 0:
                other += t
                continue
            budget[0] -= 1
            shown.append(node(c, t, depth + 1, path))
        if other > 0:
            shown.append({"func": "other", "file": "", "line": 0, "cumtime": float(other), "tottime": float(other),
                          "children": []})
        return shown

    # The root is the cell: its code objects' children merged.
    root_kids = {}
    root_tt = 0.0
    for r in roots:
        root_tt += stats[r][2]
        for c in callees.get(r, ()):
            if c not in figures or c in roots:
                continue
            edge = stats[c][4].get(r)
            if edge is not None and edge[3] > 0:
                root_kids[c] = root_kids.get(c, 0.0) + edge[3]
    cell_file = roots[0][0] if roots else ""
    tree = {"func": "<cell>", "file": cell_file, "line": 1, "cumtime": float(total), "tottime": float(root_tt),
            "children": children([(t, c) for c, t in root_kids.items()], 0, set(roots))}
    report = {"totalS": float(total), "rows": rows, "rowsTotal": rows_total, "tree": tree,
              "cellFile": cell_file}
    if profile.problem:
        report["problem"] = profile.problem
    return report


def profile_text(report):
    """The profile as text (the terminal, and viewers of the .ipynb without Lathe): the top rows."""
    lines = ["Profile: %.3f s in the cell, %d functions (by tottime):" % (report["totalS"], report["rowsTotal"]),
             "%10s %10s %10s  %s" % ("ncalls", "tottime", "cumtime", "function")]
    for row in report["rows"][:10]:
        ncalls = str(row["ncalls"]) if row["ncalls"] == row["primcalls"] else "%d/%d" % (row["ncalls"], row["primcalls"])
        where = "%s:%d" % (row["file"], row["line"]) if row["file"] else "built-in"
        lines.append("%10s %10.4f %10.4f  %s (%s)" % (ncalls, row["tottime"], row["cumtime"], row["func"], where))
    if report.get("problem"):
        lines.append("Note: %s" % report["problem"])
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Plain mode (no IPython)
# ---------------------------------------------------------------------------------------------------

class DisplayHandle(object):
    """Returned by ``display(..., display_id=...)``: update or re-display that output."""

    def __init__(self, display_id=None):
        self.display_id = display_id or os.urandom(16).hex()

    def display(self, obj, **kwargs):
        kwargs["display_id"] = self.display_id
        return DRIVER.display_api(obj, **kwargs)

    def update(self, obj, **kwargs):
        kwargs["display_id"] = self.display_id
        kwargs["update"] = True
        return DRIVER.display_api(obj, **kwargs)

    def __repr__(self):
        return "<DisplayHandle display_id=%s>" % self.display_id


class LatheExit(object):
    """``exit``/``quit`` in plain mode: the session belongs to Lathe, which stops or restarts it."""

    def __init__(self, driver):
        self.driver = driver

    def __repr__(self):
        return "Use Lathe to restart or stop this Python session."

    def __call__(self, code=None):
        self.driver.channel.write(repr(self) + "\n")


DRIVER_CLASSES = (DisplayHandle, LatheExit)


class PlainBackend(object):
    """A small REPL on ``exec``/``eval`` with IPython-like output and the same markers."""

    ipython = False

    def __init__(self, driver):
        self.driver = driver
        self.count = 1
        module = types.ModuleType("__main__")
        module.__dict__["__builtins__"] = builtins
        sys.modules["__main__"] = module
        self.module = module
        self.ns = module.__dict__
        self.loop = None
        builtins.display = driver.display_api
        builtins.update_display = driver.update_display_api
        builtins.exit = builtins.quit = LatheExit(driver)

    def is_hidden(self, name, value):
        return is_driver_object(value)

    def is_complete(self, source, blank_lines):
        try:
            return codeop.compile_command(source, "<stdin>", "single") is not None
        except (SyntaxError, ValueError, OverflowError):
            return True

    def _run(self, code):
        if code.co_flags & _CO_COROUTINE:
            if self.loop is None:
                import asyncio
                self.loop = asyncio.new_event_loop()
            return self.loop.run_until_complete(eval(code, self.ns))
        return eval(code, self.ns)

    def execute(self, source, profile=None):
        """Run ``source`` (under ``profile``, a CellProfile, when given): returns (status, durationMs)."""
        if not source.strip():
            return "ok", 0.0
        count = self.count
        self.count += 1
        filename = "<In [%d]>" % count
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        drv = self.driver
        try:
            tree = compile(source, filename, "exec", ast.PyCF_ONLY_AST, True)
            expr = None
            if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
                expr = ast.Expression(tree.body.pop().value)
            body = compile(tree, filename, "exec", _TOP_LEVEL_AWAIT, True)
            tail = compile(expr, filename, "eval", _TOP_LEVEL_AWAIT, True) if expr is not None else None
        except (SyntaxError, ValueError, OverflowError, TypeError) as e:
            self.show_exception(e)
            return "error", 0.0
        value = None
        error = None
        if profile is not None:
            profile.cell_files.add(filename)
        t0 = time.perf_counter()
        drv.interrupts.arm()
        try:
            if profile is not None:
                profile.enable()
            self._run(body)
            if tail is not None:
                value = self._run(tail)
        except BaseException as e:
            error = e
        finally:
            if profile is not None:
                profile.disable()
            drv.interrupts.disarm()
        duration = (time.perf_counter() - t0) * 1000.0
        if error is None and value is not None:
            try:
                self.ns["_"] = value
                drv.interrupts.arm()
                try:
                    data, md = mime_bundle(value)
                finally:
                    drv.interrupts.disarm()
                drv.emit_result(data, md, count)
            except BaseException as e:
                error = e
        if error is None:
            self.flush_figures()
            return "ok", duration
        self.show_exception(error)
        return ("interrupted" if isinstance(error, KeyboardInterrupt) else "error"), duration

    def flush_figures(self):
        """Show pyplot figures left open by a run when matplotlib has no GUI backend (Agg)."""
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is None:
            return
        try:
            if str(plt.get_backend()).lower() != "agg":
                return
            for num in plt.get_fignums():
                self.driver.display_api(plt.figure(num))
            plt.close("all")
        except Exception:
            pass

    def show_exception(self, error):
        tb = strip_driver_frames(error.__traceback__)
        if isinstance(error, SystemExit):
            tb = None  # like IPython: only "SystemExit: <code>"
        error.__traceback__ = tb
        sys.last_type, sys.last_value, sys.last_traceback = type(error), error, tb
        if sys.version_info >= (3, 12):
            sys.last_exc = error
        try:
            text = "".join(traceback.format_exception(type(error), error, tb))
        except Exception:
            text = "%s: <traceback unavailable>\n" % type(error).__name__
        lines = text.rstrip("\n").split("\n")
        etype = type(error)
        stype = etype.__qualname__
        if etype.__module__ not in ("__main__", "builtins"):
            stype = etype.__module__ + "." + stype
        for i in range(len(lines) - 1, -1, -1):
            line = lines[i]
            if line == stype or line.startswith(stype + ":"):
                lines[i] = _sgr("31", stype) + line[len(stype):]
                break
        try:
            evalue = str(error)
        except Exception:
            evalue = "<str() failed>"
        self.driver.emit_error(etype.__name__, evalue, lines)


def strip_driver_frames(tb):
    """The traceback without the driver's own frames."""
    kept = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != DRIVER_FILE:
            kept.append(tb)
        tb = tb.tb_next
    try:
        for a, b in zip(kept, kept[1:]):
            a.tb_next = b
        if kept:
            kept[-1].tb_next = None
    except (AttributeError, TypeError, ValueError):
        pass
    return kept[0] if kept else None


# ---------------------------------------------------------------------------------------------------
# IPython mode
# ---------------------------------------------------------------------------------------------------

class IPythonBackend(object):
    """IPython's InteractiveShell with a display publisher, displayhook and traceback sink of our own."""

    ipython = True

    def __init__(self, driver):
        from IPython.core.displayhook import DisplayHook
        from IPython.core.displaypub import DisplayPublisher
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets import Type

        self.driver = driver
        drv = driver
        run_code_is_async = bool(getattr(InteractiveShell.run_code, "__code__", None) is not None
                                 and InteractiveShell.run_code.__code__.co_flags & _CO_COROUTINE)

        class LatheDisplayHook(DisplayHook):
            """Last-expression values: a ``result`` marker and ``Out[n]:`` in the terminal."""

            def write_output_prompt(self):
                pass

            def write_format_data(self, format_dict, md_dict=None):
                drv.emit_result(clean_bundle(format_dict), md_dict or {}, self.shell.execution_count)

            def finish_displayhook(self):
                try:
                    sys.stdout.flush()
                except Exception:
                    pass

        class LatheDisplayPublisher(DisplayPublisher):
            """display() / update_display(): ``display`` markers (text/plain also in the terminal)."""

            def publish(self, data, metadata=None, source=None, transient=None, update=False, **kwargs):
                display_id = (transient or {}).get("display_id")
                drv.emit_display(clean_bundle(data), metadata or {}, display_id, bool(update))

        class LatheShell(InteractiveShell):
            displayhook_class = Type(LatheDisplayHook)
            display_pub_class = Type(LatheDisplayPublisher)

            def _get_exc_info(self, exc_tuple=None):
                # The SIGINT handler's frame (KeyboardInterrupt is raised there) is the driver's, not the
                # user's: IPython before 8.10 ignores its __tracebackhide__, so leave it out here.
                etype, value, tb = InteractiveShell._get_exc_info(self, exc_tuple)
                return etype, value, strip_driver_frames(tb) or tb

            def _showtraceback(self, etype, evalue, stb):
                try:
                    evalue_text = str(evalue)
                except Exception:
                    evalue_text = "<str() failed>"
                lines = []
                for entry in stb:
                    lines.extend(str(entry).split("\n"))
                drv.emit_error(getattr(etype, "__name__", str(etype)), evalue_text, lines)

            def run_code(self, code_obj, result=None, **kwargs):
                profile = drv.profile
                if profile is None:
                    return InteractiveShell.run_code(self, code_obj, result, **kwargs)
                # Profile cell: the profiler is on while the cell's code runs, not IPython's machinery.
                profile.cell_files.add(code_obj.co_filename)
                if not run_code_is_async:
                    profile.enable()
                    try:
                        return InteractiveShell.run_code(self, code_obj, result, **kwargs)
                    finally:
                        profile.disable()
                return _ProfiledAwaitable(InteractiveShell.run_code(self, code_obj, result, **kwargs), profile)

            def system(self, cmd):
                # The command writes straight to the pty: flush what Python buffered first.
                try:
                    sys.stdout.flush()
                except Exception:
                    pass
                return InteractiveShell.system_raw(self, cmd)

            def ask_exit(self):
                # exit()/quit(): the session belongs to Lathe, which ends or restarts it.
                drv.channel.write("Lathe: this Python session is managed by Lathe; "
                                  "use Lathe to restart or stop it.\n")

            def enable_gui(self, gui=None):
                if gui not in (None, "inline"):
                    drv.channel.write("Lathe: GUI event loops (%s) are not supported; "
                                      "use %%matplotlib inline.\n" % gui)

        # History in memory: IPython's default sqlite file commits each cell to disk under a lock, which
        # made every run about 1.8 ms slower (Lathe keeps its own run history; %history still works).
        from traitlets.config import Config
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        self.shell = LatheShell.instance(config=config)
        self.shell.exit_now = False
        try:
            # display() is an IPython builtin already; update_display() too, as in plain mode.
            from IPython.display import update_display
            builtins.update_display = update_display
        except ImportError:
            pass

    @property
    def count(self):
        return self.shell.execution_count

    @property
    def ns(self):
        return self.shell.user_ns

    def is_hidden(self, name, value):
        hidden = self.shell.user_ns_hidden
        if name in hidden and hidden[name] is value:
            return True
        if name in ("In", "Out", "exit", "quit", "get_ipython"):
            return True
        return is_driver_object(value)

    def is_complete(self, source, blank_lines):
        try:
            # A blank last line ends a block (cell magics need it as a trailing "\n\n").
            status = self.shell.check_complete(source + ("\n" if blank_lines else ""))[0]
        except Exception:
            return True
        return status != "incomplete" or blank_lines >= 2

    def execute(self, source):
        if not source.strip():
            return "ok", 0.0
        shell = self.shell
        count_before = shell.execution_count
        interrupts = self.driver.interrupts
        t0 = time.perf_counter()
        interrupts.arm()
        try:
            result = shell.run_cell(source, store_history=True)
        except KeyboardInterrupt:
            # Ctrl-C inside IPython's own bookkeeping (outside run_code): report it ourselves.
            interrupts.disarm()
            if shell.execution_count == count_before:
                shell.execution_count += 1
            self.driver.emit_error("KeyboardInterrupt", "", [_sgr("31", "KeyboardInterrupt")])
            return "interrupted", (time.perf_counter() - t0) * 1000.0
        finally:
            interrupts.disarm()
        duration = (time.perf_counter() - t0) * 1000.0
        shell.exit_now = False
        if isinstance(result.error_in_exec, KeyboardInterrupt):
            return "interrupted", duration
        if result.error_in_exec is not None or result.error_before_exec is not None:
            return "error", duration
        return "ok", duration


# ---------------------------------------------------------------------------------------------------
# The driver: idle loop, runs, markers
# ---------------------------------------------------------------------------------------------------

class Driver(object):

    def __init__(self, out, nonce, control, standalone):
        self.interrupts = Interrupts()
        self.channel = Channel(out, nonce, self.interrupts)
        self.streams = StdStreams()
        self.control = control
        self.standalone = standalone
        self.backend = None
        self.inspector = None
        self.run_id = None        # id of the run in progress
        self.profile = None       # the run's CellProfile, while a "profile cell" run is in progress
        self.last_run_id = None   # for output emitted between runs (background threads)
        self.terminal_runs = 0
        self.pending = []         # typed lines of an incomplete block
        self.blank_lines = 0
        self.need_prompt = True
        self.first_prompt = True
        self.terminal = TerminalReader(0, getattr(sys.stdin, "encoding", None))

    # -- setup ------------------------------------------------------------------------------------

    def setup(self):
        self.interrupts.install()
        try:
            signal.signal(signal.SIGTSTP, signal.SIG_IGN)  # nobody could resume a stopped REPL
        except (AttributeError, ValueError, OSError):
            pass
        sys.stderr = StderrProxy(self.channel, sys.__stderr__)
        self.wrap_input()
        self.backend = None
        if not os.environ.get("LATHE_REPL_NO_IPYTHON"):
            try:
                import importlib.util
                if importlib.util.find_spec("IPython") is not None:
                    if "MPLBACKEND" not in os.environ and importlib.util.find_spec("matplotlib_inline"):
                        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
                    self.backend = IPythonBackend(self)
            except Exception:
                self.internal_error("IPython could not be started; using the plain REPL")
                if os.environ.get("MPLBACKEND") == "module://matplotlib_inline.backend_inline":
                    del os.environ["MPLBACKEND"]
        if self.backend is None:
            self.backend = PlainBackend(self)
        self.inspector = Inspector(self.backend.is_hidden)

    def wrap_input(self):
        """input() and getpass() announce themselves with an ``input`` marker before reading."""
        driver = self
        original_input = builtins.input

        def input(prompt=""):
            driver.emit_input(prompt, False)
            return original_input(prompt)

        input.__doc__ = original_input.__doc__
        builtins.input = input
        try:
            import getpass
            original_getpass = getpass.getpass

            def lathe_getpass(prompt="Password: ", stream=None):
                driver.emit_input(prompt, True)
                return original_getpass(prompt, stream)

            lathe_getpass.__doc__ = original_getpass.__doc__
            lathe_getpass.__name__ = lathe_getpass.__qualname__ = "getpass"
            getpass.getpass = lathe_getpass
        except Exception:
            pass

    # -- markers ----------------------------------------------------------------------------------

    def current_id(self):
        return self.run_id if self.run_id is not None else (self.last_run_id or "")

    def emit_input(self, prompt, password):
        try:
            text = str(prompt)
        except Exception:
            text = ""
        self.channel.emit({"t": "input", "id": self.current_id(), "prompt": text, "password": password})

    def emit_result(self, data, metadata, count):
        self.channel.emit({"t": "result", "id": self.current_id(), "count": count, "data": data,
                           "metadata": metadata})
        text = data.get("text/plain")
        if isinstance(text, str):
            if "\n" in text:
                text = "\n" + text
            self.channel.write(out_prompt(count) + text + "\n")

    def emit_display(self, data, metadata, display_id, update):
        self.channel.emit({"t": "display", "id": self.current_id(), "data": data, "metadata": metadata,
                           "displayId": display_id, "update": update})
        text = data.get("text/plain")
        if not update and isinstance(text, str):
            self.channel.write(text + "\n")

    def emit_error(self, ename, evalue, lines):
        self.channel.emit({"t": "error", "id": self.current_id(), "ename": ename, "evalue": evalue,
                           "traceback": lines})
        self.channel.write("\n".join(lines) + "\n")

    # -- display() for plain mode -----------------------------------------------------------------

    def display_api(self, *objs, **kwargs):
        """display(*objs, display_id=None, update=False, raw=False, metadata=None)."""
        display_id = kwargs.get("display_id")
        update = bool(kwargs.get("update", False))
        raw = bool(kwargs.get("raw", False))
        extra_md = kwargs.get("metadata") or {}
        if display_id is True:
            display_id = os.urandom(16).hex()
        for obj in objs:
            if raw and isinstance(obj, dict):
                data, md = clean_bundle(obj), {}
            else:
                data, md = mime_bundle(obj)
            md.update(extra_md)
            self.emit_display(data, md, display_id, update)
        if display_id is not None and not update:
            return DisplayHandle(display_id)
        return None

    def update_display_api(self, obj, **kwargs):
        """update_display(obj, display_id=...)."""
        kwargs["update"] = True
        return self.display_api(obj, **kwargs)

    # -- runs -------------------------------------------------------------------------------------

    def run(self, run_id, source, origin, want_vars, profile=False):
        count = self.backend.count
        self.run_id = run_id
        start = {"t": "start", "id": run_id, "count": count, "origin": origin}
        if origin == "terminal":
            start["code"] = source
        status, duration = "error", 0.0
        try:
            self.channel.emit(start)
            if profile:
                self.profile = CellProfile()
                try:
                    if self.backend.ipython:
                        status, duration = self.backend.execute(source)
                    else:
                        status, duration = self.backend.execute(source, self.profile)
                finally:
                    done, self.profile = self.profile, None
                    self.safely(self.emit_profile, done)
            else:
                status, duration = self.backend.execute(source)
        except KeyboardInterrupt:
            status = "interrupted"
            self.safely(self.emit_error, "KeyboardInterrupt", "", [_sgr("31", "KeyboardInterrupt")])
        except BaseException:
            self.internal_error("run failed")
        finally:
            self.interrupts.disarm()
            reopened = self.safely(self.streams.repair)
            if reopened:
                self.safely(self.channel.write_stderr, "Lathe: this run closed %s; Lathe reopened %s so that "
                            "the session keeps working.\n" % (", ".join(reopened), "them" if len(reopened) > 1 else "it"))
            self.safely(self.channel.emit, {"t": "end", "id": run_id, "status": status, "count": count,
                                            "durationMs": float(duration)})
            self.last_run_id = run_id
            self.run_id = None
            self.interrupts.restore()
        if want_vars:
            self.send_vars()
        self.need_prompt = True

    def emit_profile(self, profile):
        """The profile of the run, as a display output (the run's outputs, and a summary in the terminal)."""
        report = profile_report(profile)
        self.emit_display({PROFILE_MIME: report, "text/plain": profile_text(report)}, {}, None, False)

    def send_vars(self):
        try:
            snap = self.inspector.snapshot(self.backend.ns)
        except Exception:
            snap = {"t": "vars", "vars": [], "truncated": True, "elapsedMs": 0.0}
        self.safely(self.channel.emit, snap)

    def safely(self, fn, *args):
        """Bookkeeping that must not be lost to a stray KeyboardInterrupt."""
        for _ in range(3):
            try:
                return fn(*args)
            except KeyboardInterrupt:
                continue
            except Exception:
                self.internal_error("driver bookkeeping failed")
                return None

    def internal_error(self, where):
        try:
            text = traceback.format_exc()
            self.channel.write("\n" + _sgr("33", "[Lathe driver] %s:" % where) + "\n" + text)
        except Exception:
            pass

    # -- idle loop --------------------------------------------------------------------------------

    def prompt(self):
        if self.pending:
            self.channel.write(cont_prompt(self.backend.count))
            return
        sep = "" if self.first_prompt else "\n"
        self.first_prompt = False
        self.channel.write(sep + in_prompt(self.backend.count))

    def echo(self, source):
        lines = source.rstrip().split("\n") if source.strip() else []
        n = self.backend.count
        if not lines:
            self.channel.write("\n")
            return
        shown = lines[:ECHO_MAX_LINES]
        text = shown[0]
        for line in shown[1:]:
            text += "\n" + cont_prompt(n) + line
        if len(lines) > len(shown):
            text += "\n" + cont_prompt(n) + "(%d more lines)" % (len(lines) - len(shown))
        self.channel.write(text + "\n")

    def discard_pending(self):
        if self.pending:
            self.pending = []
            self.blank_lines = 0
            self.channel.write("\r\x1b[2K" + in_prompt(self.backend.count))

    def handle_control(self, msg):
        op = msg.get("op")
        if op == "vars":
            self.send_vars()
        elif op == "run":
            try:
                source = base64.b64decode(msg.get("code") or "").decode("utf-8", "replace")
            except (ValueError, TypeError):
                source = ""
            self.discard_pending()
            if msg.get("echo", True):
                self.echo(source)
            else:
                self.channel.write("\r\x1b[2K")
            self.run(str(msg.get("id") or ""), source, "control", bool(msg.get("vars")), bool(msg.get("profile")))
        else:
            self.channel.write(_sgr("33", "[Lathe driver] unknown control op %r" % (op,)) + "\n")

    def handle_line(self, line):
        if line is EOF:
            if self.standalone:
                self.channel.write("\n")
                raise SystemExit(0)
            self.pending = []
            self.blank_lines = 0
            self.channel.write("\n")
            self.need_prompt = True
            return
        if not self.pending and not line.strip():
            self.need_prompt = True
            return
        self.pending.append(line)
        self.blank_lines = self.blank_lines + 1 if not line.strip() else 0
        source = "\n".join(self.pending)
        if self.backend.is_complete(source, self.blank_lines):
            self.pending = []
            self.blank_lines = 0
            self.terminal_runs += 1
            self.run("t%d" % self.terminal_runs, source.rstrip() + "\n", "terminal", False)
        else:
            self.need_prompt = True

    def idle_once(self):
        if self.need_prompt:
            self.need_prompt = False
            self.prompt()
        if self.control is not None:
            msg = self.control.pop()
            if msg is not None:
                self.handle_control(msg)
                return
        fds = []
        if self.control is not None:
            fds.append(self.control.fileno())
        if self.terminal.usable:
            fds.append(self.terminal.fd)
        if not fds:
            raise SystemExit(0)
        self.interrupts.arm()
        try:
            ready = select.select(fds, [], [])[0]
        finally:
            self.interrupts.disarm()
        if self.control is not None and self.control.fileno() in ready:
            self.control.feed()
            if self.control.closed and b"\n" not in self.control.buf:
                raise SystemExit(0)  # the host is gone
        if self.terminal.fd in ready:
            self.interrupts.arm()
            try:
                lines = self.terminal.read()
            finally:
                self.interrupts.disarm()
            for line in lines:
                self.handle_line(line)

    def loop(self):
        while True:
            try:
                self.idle_once()
            except KeyboardInterrupt:
                self.pending = []
                self.blank_lines = 0
                self.safely(self.channel.write, "\n" + _sgr("31", "KeyboardInterrupt") + "\n")
                self.need_prompt = True
            except SystemExit:
                raise
            except BaseException:
                self.internal_error("internal error")
                self.need_prompt = True


DRIVER = None


def emit_marker(msg):
    """A marker through the session's private channel, for the ``lathe`` helper package
    (resources/python/lathe: ``lathe.watch``, ``lathe.log``).  The package finds this function as
    ``sys.modules["lathe_driver"].emit_marker`` (registered by ``main``), so markers always carry the
    session's nonce and never go through printed text.  False when there is no session to send to."""
    driver = DRIVER
    if driver is None or driver.channel.prefix is None:
        return False
    driver.channel.emit(msg)
    return True


def _prepare_process():
    """What ``python -i`` would give: argv [''], the working directory first on sys.path."""
    sys.argv = [""]
    here = os.path.dirname(DRIVER_FILE)
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        sys.path[0] = ""
    elif "" not in sys.path:
        sys.path.insert(0, "")


def main():
    global DRIVER
    socket_path = os.environ.pop("LATHE_REPL_SOCKET", None)
    nonce = os.environ.pop("LATHE_REPL_NONCE", None)
    out = sys.__stdout__
    control = None
    if socket_path:
        try:
            control = Control(socket_path)
        except OSError as e:
            out.write("Lathe: cannot connect to the REPL socket %s: %s\n" % (socket_path, e))
            out.flush()
            sys.exit(2)
    _prepare_process()
    # The driver runs as __main__ (and IPython later replaces sys.modules["__main__"]): register it under
    # its own name, so that the ``lathe`` package reaches ``emit_marker`` above rather than a fresh copy.
    sys.modules.setdefault("lathe_driver", sys.modules[__name__])
    DRIVER = driver = Driver(out, nonce, control, standalone=control is None)
    driver.setup()
    driver.channel.emit({
        "t": "hello",
        "pid": os.getpid(),
        "version": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "ipython": bool(driver.backend.ipython),
        "cwd": os.getcwd(),
    })
    try:
        driver.loop()
    except SystemExit:
        pass
    try:
        out.flush()
    except Exception:
        pass
    try:
        import atexit
        atexit._run_exitfuncs()
    except BaseException:
        pass
    # Do not wait for user threads: the host is gone.
    os._exit(0)


if __name__ == "__main__":
    main()
