"""``lathe.watch``: per-parameter gradient health of a ``torch.nn.Module``, sent to Lathe's gradients panel.

Protocol: src-main/common/protocols/grads.ts (markers ``grads-watch``, ``grads``, ``grads-nan``,
``grads-unwatch``, ``scalar``).  torch is imported lazily (only when a model is watched).

Step boundaries
  * ``watch(model, optimizer=opt)`` wraps ``opt.step`` (an instance attribute; removed again by
    ``unwatch``): each call is one step.  Gradients are read just before the optimizer uses them.
  * otherwise ``lathe.step()`` marks one (call it right after ``optimizer.step()``, before ``zero_grad``).
  Gradient accumulation: nothing is recorded per backward, only at the boundary, so grads accumulated over
  micro-batches count once (the norms are those of ``p.grad`` at step time).

What a logged step (steps 1, 1 + every, 1 + 2*every, ...) costs
  * grad and weight L2 norms: ``torch._foreach_norm`` (or ``torch.linalg.vector_norm`` per tensor), all
    values moved to the host in one ``torch.stack(...).tolist()``;
  * update ratio |dw| / |w| (w before the update): with an optimizer, a copy of the watched parameters is
    taken just before ``opt.step`` on logged steps only and dropped right after (one transient copy of the
    parameters); with ``lathe.step()``, the copy is taken at the boundary before a logged step and kept
    until that step (so the ratio is always of one optimizer step, at the cost of one copy held between
    those two boundaries; with ``every=1`` that copy is always held).  ``weights=False`` skips both;
  * NaN/Inf counts are exact: they are counted (one more host transfer) only for tensors whose norm is
    not finite; a norm that overflowed float32 with finite values is recomputed in float64;
  * ``histograms=True``: 32 bins per layer between the gradient's min and max (one more transfer);
  * first NaN: the first logged step with a non-finite gradient sends ``grads-nan`` naming the first
    parameter, in the order gradients arrived in backward (tensor hooks record the arrival order; no
    device sync in them), falling back to reverse model order for tensors whose hook did not fire.
    Non-logged steps are not checked (``every=1`` checks every step).
  * ``detect_forward_nan=True``: forward hooks on every module; each queues ``isfinite(output).all()``
    and the checks are read in one transfer when the model's own forward returns (or at the boundary): the
    first module, in completion order, whose output was non-finite is named (kind ``forward``).
The time spent in all this is measured and sent with the step (``overheadMs``), with the wall time since
the previous boundary (``stepMs``).
"""

import inspect
import math
import time
import weakref

from . import _channel

_counter = [0]
_watches = []          # active Watch objects, in creation order
_scalar_steps = {}     # name -> last step logged (when no watch gives the step)

INF = float("inf")


def _torch():
    import torch
    return torch


def _finite(x):
    return x is not None and not math.isnan(x) and not math.isinf(x)


def _source(obj):
    """(file, line) of a module's class, or (None, None)."""
    cls = obj if isinstance(obj, type) else type(obj)
    try:
        path = inspect.getsourcefile(cls)
    except (TypeError, OSError):
        path = None
    try:
        line = inspect.getsourcelines(cls)[1] if path else None
    except (TypeError, OSError, IndexError):
        line = None
    return path, line


def _norms(torch, tensors):
    """L2 norms as 0-d tensors (no host sync)."""
    if not tensors:
        return []
    foreach = getattr(torch, "_foreach_norm", None)
    if foreach is not None:
        try:
            return list(foreach(tensors))
        except Exception:
            pass
    vector_norm = getattr(getattr(torch, "linalg", None), "vector_norm", None)
    if vector_norm is not None:
        return [vector_norm(t) for t in tensors]
    return [t.norm() for t in tensors]


def _host(torch, scalars):
    """Python floats of 0-d tensors, moved to the host in one transfer per device."""
    if not scalars:
        return []
    devices = {}
    for i, s in enumerate(scalars):
        devices.setdefault(s.device, []).append(i)
    out = [None] * len(scalars)
    for idx in devices.values():
        group = [scalars[i] for i in idx]
        dtype = group[0].dtype
        if any(g.dtype != dtype for g in group):
            group = [g.double() for g in group]
        values = torch.stack(group).double().cpu().tolist()
        for i, v in zip(idx, values):
            out[i] = v
    return out


def _none_if_nonfinite(x):
    return x if _finite(x) else None


class Watch(object):
    """What ``lathe.watch`` returns: ``.id`` ('w1', ...), ``.step`` (boundaries so far), ``.last`` (the last
    logged step, as sent), ``.unwatch()``; usable as a context manager."""

    def __init__(self, model, optimizer=None, every=1, weights=True, histograms=False, detect_forward_nan=False,
                 update_every=10):
        torch = _torch()
        if not isinstance(model, torch.nn.Module):
            raise TypeError("lathe.watch expects a torch.nn.Module, got %s" % type(model).__name__)
        _counter[0] += 1
        self.id = "w%d" % _counter[0]
        self.model = model
        self.optimizer = optimizer
        self.every = max(1, int(every))
        # The update ratio needs a copy of the weights around an optimizer step: the costliest part of a
        # watch (a 20-layer MLP's step was 1.30x with it at every step). It is measured on one logged step
        # in `update_every` (the first logged step, then every update_every-th); the others send null.
        self.update_every = max(1, int(update_every))
        self.weights = bool(weights)
        self.histograms = bool(histograms)
        self.detect_forward_nan = bool(detect_forward_nan)
        self.active = True
        self.step = 0
        self.last = None
        self.nan = None            # the grads-nan marker sent, if any
        self.forward_nan = None    # the forward grads-nan marker sent, if any
        self._last_boundary = None
        self._prev = None          # weight copy for the update ratio (lathe.step() mode)
        self._arrival = {}         # param index -> order of arrival of its grad in backward, this step
        self._hooks = []           # removable handles
        self._forward_checks = []  # (module path, 0-d bool tensor) queued by forward hooks
        self._step_wrapper = None
        self._original_step = None
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        self.names = [n for n, _ in named]
        self.params = [p for _, p in named]
        for i, p in enumerate(self.params):
            self._hooks.append(p.register_hook(self._arrival_hook(i)))
        if self.detect_forward_nan:
            for path, module in model.named_modules():
                self._hooks.append(module.register_forward_hook(self._forward_hook(path, module is model)))
        if optimizer is not None:
            self._wrap(optimizer)
        _watches.append(self)
        _channel.emit({
            "t": "grads-watch", "watch": self.id, "model": type(model).__name__, "layers": list(self.names),
            "every": self.every, "histograms": self.histograms, "startedAt": time.time() * 1000.0,
        })

    def __repr__(self):
        return "<lathe watch %s of %s: %d tensors, step %d%s>" % (
            self.id, type(self.model).__name__, len(self.params), self.step, "" if self.active else ", stopped")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.unwatch()
        return False

    # -- hooks ------------------------------------------------------------------------------------

    def _arrival_hook(self, i):
        arrival = self._arrival

        def hook(grad):
            if i not in arrival:
                arrival[i] = len(arrival)
            return None

        return hook

    def _forward_hook(self, path, is_root):
        watch_ref = weakref.ref(self)
        torch = _torch()

        def hook(module, inputs, output):
            watch = watch_ref()
            if watch is None or watch.forward_nan is not None or not watch.active:
                return None
            checks = []
            _finite_checks(torch, output, checks, 0)
            if checks:
                flag = checks[0] if len(checks) == 1 else torch.stack(checks).all()
                watch._forward_checks.append((path, module, flag))
            if is_root or len(watch._forward_checks) > 4096:
                watch._read_forward_checks()
            return None

        return hook

    def _read_forward_checks(self):
        checks, self._forward_checks = self._forward_checks, []
        if not checks or self.forward_nan is not None:
            return
        torch = _torch()
        flags = torch.stack([c[2].to("cpu") if c[2].device.type != "cpu" else c[2] for c in checks]).tolist()
        for (path, module, _), ok in zip(checks, flags):
            if not ok:
                file, line = _source(module)
                self.forward_nan = {
                    "t": "grads-nan", "watch": self.id, "step": self.step + 1, "kind": "forward",
                    "module": path, "layer": None, "file": file, "line": line,
                }
                _channel.emit(self.forward_nan)
                return

    # -- optimizer --------------------------------------------------------------------------------

    def _wrap(self, optimizer):
        original = optimizer.step
        watch_ref = weakref.ref(self)

        def step(*args, **kwargs):
            watch = watch_ref()
            if watch is None or not watch.active:
                return original(*args, **kwargs)
            return watch._optimizer_step(original, args, kwargs)

        step.__doc__ = getattr(original, "__doc__", None)
        step.__wrapped__ = original
        self._had_own_step = "step" in optimizer.__dict__
        self._original_step = original
        self._step_wrapper = step
        optimizer.step = step

    def _unwrap(self):
        opt = self.optimizer
        if opt is None or self._step_wrapper is None:
            return
        if opt.__dict__.get("step") is self._step_wrapper:
            if self._had_own_step:
                opt.step = self._original_step
            else:
                del opt.step
        # Otherwise something wrapped our wrapper since (an LR scheduler does): leave it; it now passes
        # straight through (inactive).
        self._step_wrapper = None

    def _optimizer_step(self, original, args, kwargs):
        t0 = time.perf_counter()
        logged, step_ms = self._boundary(t0)
        if not logged:
            return original(*args, **kwargs)
        torch = _torch()
        with torch.no_grad():
            pending = self._measure()
            before = [p.detach().clone() for p in self.params] if self.weights and self._measures_update(self.step) else None
        overhead = time.perf_counter() - t0
        result = original(*args, **kwargs)
        t1 = time.perf_counter()
        with torch.no_grad():
            deltas = None
            if before is not None:
                after = [p.detach() for p in self.params]
                try:
                    torch._foreach_sub_(before, after)
                except Exception:
                    for b, a in zip(before, after):
                        b.sub_(a)
                deltas = _norms(torch, before)
                del before
            self._finish(pending, deltas, step_ms, overhead, t1)
        return result

    # -- lathe.step() -----------------------------------------------------------------------------

    def mark_step(self):
        """One step boundary (``lathe.step()``): call it after ``optimizer.step()``."""
        if not self.active:
            return
        t0 = time.perf_counter()
        logged, step_ms = self._boundary(t0)
        torch = _torch()
        with torch.no_grad():
            if logged:
                pending = self._measure()
                deltas = None
                if self._prev is not None:
                    diffs = torch._foreach_sub([p.detach() for p in self.params], self._prev) \
                        if hasattr(torch, "_foreach_sub") else [p.detach() - q for p, q in zip(self.params, self._prev)]
                    deltas = _norms(torch, diffs)
                    ratio_base = _norms(torch, self._prev)
                    pending["ratio_base"] = ratio_base
                    self._prev = None
                self._finish(pending, deltas, step_ms, 0.0, t0)
            # Keep a copy at the boundary before a logged one that measures the update (its ratio is of one step).
            if self.weights and self.step % self.every == 0 and self._measures_update(self.step + 1):
                self._prev = [p.detach().clone() for p in self.params]

    # -- measuring --------------------------------------------------------------------------------

    def _boundary(self, t0):
        self.step += 1
        step_ms = None if self._last_boundary is None else (t0 - self._last_boundary) * 1000.0
        self._last_boundary = t0
        logged = (self.step - 1) % self.every == 0
        if self._forward_checks:
            self._read_forward_checks()
        if not logged:
            self._arrival.clear()
        return logged, step_ms

    def _measures_update(self, step):
        """Whether logged step `step` measures the update ratio (the 1st logged step, then every update_every-th)."""
        logged_index = (step - 1) // self.every
        return logged_index % self.update_every == 0

    def _measure(self):
        """Device-side values of a logged step (no host sync yet)."""
        torch = _torch()
        with_grad = [i for i, p in enumerate(self.params) if p.grad is not None]
        grads = [self.params[i].grad.detach() for i in with_grad]
        pending = {
            "with_grad": with_grad,
            "grad_norms": _norms(torch, grads),
            "weight_norms": _norms(torch, [p.detach() for p in self.params]) if self.weights else [],
            "arrival": dict(self._arrival),
            "grads": grads,
        }
        if self.histograms and grads:
            pending["mins"] = [g.min() for g in grads]
            pending["maxs"] = [g.max() for g in grads]
        self._arrival.clear()
        return pending

    def _finish(self, pending, deltas, step_ms, overhead, t0):
        torch = _torch()
        n = len(self.params)
        with_grad = pending["with_grad"]
        k = len(with_grad)
        scalars = list(pending["grad_norms"]) + list(pending["weight_norms"])
        if deltas is not None:
            scalars += list(deltas)
        base = pending.get("ratio_base")
        if base is not None:
            scalars += list(base)
        hist_lo = hist_hi = None
        if "mins" in pending:
            scalars += pending["mins"] + pending["maxs"]
        values = _host(torch, scalars)            # the one transfer of the step
        pos = 0
        gnorm_wg = values[pos:pos + k]; pos += k
        wnorm = values[pos:pos + len(pending["weight_norms"])]; pos += len(pending["weight_norms"])
        dnorm = None
        if deltas is not None:
            dnorm = values[pos:pos + n]; pos += n
        if base is not None:
            wnorm_ratio = values[pos:pos + n]; pos += n
        else:
            wnorm_ratio = wnorm
        if "mins" in pending:
            hist_lo = values[pos:pos + k]; pos += k
            hist_hi = values[pos:pos + k]; pos += k

        grad_norm = [None] * n
        nan = [0] * n
        inf = [0] * n
        bad = []                                  # indices into with_grad whose norm is not finite
        for j, i in enumerate(with_grad):
            v = gnorm_wg[j]
            if _finite(v):
                grad_norm[i] = v
            else:
                bad.append(j)
        nonfinite = []
        if bad:
            grads = pending["grads"]
            counts = []
            for j in bad:
                g = grads[j]
                counts.append(torch.isnan(g).sum())
                counts.append(torch.isinf(g).sum())
            counts = torch.stack([c.to("cpu") for c in counts]).tolist()
            for m, j in enumerate(bad):
                i = with_grad[j]
                nan[i], inf[i] = int(counts[2 * m]), int(counts[2 * m + 1])
                if nan[i] or inf[i]:
                    nonfinite.append(i)
                else:
                    # Finite values whose float32 norm overflowed: recompute in float64.
                    v = float(torch.linalg.vector_norm(grads[j].double())) if hasattr(torch, "linalg") \
                        else float(grads[j].double().norm())
                    grad_norm[i] = _none_if_nonfinite(v)

        weight_norm = [_none_if_nonfinite(v) for v in wnorm] if self.weights else [None] * n
        update_ratio = [None] * n
        if dnorm is not None:
            for i in range(n):
                d, w = dnorm[i], wnorm_ratio[i]
                if _finite(d) and _finite(w) and w > 0:
                    update_ratio[i] = d / w

        hist = None
        if self.histograms:
            hist = [None] * n
            finite_js = [j for j in range(k) if _finite(hist_lo[j]) and _finite(hist_hi[j])]
            if finite_js:
                hs = []
                edges = []
                for j in finite_js:
                    lo, hi = hist_lo[j], hist_hi[j]
                    if hi <= lo:
                        lo, hi = lo - 0.5, hi + 0.5
                    edges.append((lo, hi))
                    hs.append(torch.histc(pending["grads"][j].float(), bins=32, min=lo, max=hi))
                counts = torch.stack([h.to("cpu") for h in hs]).tolist()
                for j, (lo, hi), c in zip(finite_js, edges, counts):
                    hist[with_grad[j]] = [lo, hi] + [int(x) for x in c]

        if nonfinite and self.nan is None:
            arrival = pending["arrival"]
            first = min(nonfinite, key=lambda i: (arrival.get(i, INF), -i))
            name = self.names[first]
            path = name.rsplit(".", 1)[0] if "." in name else ""
            try:
                module = self.model.get_submodule(path) if path else self.model
            except Exception:
                module = self.model
            file, line = _source(module)
            self.nan = {
                "t": "grads-nan", "watch": self.id, "step": self.step, "kind": "grad",
                "module": path, "layer": name, "file": file, "line": line,
            }
            _channel.emit(self.nan)

        overhead_ms = (overhead + (time.perf_counter() - t0)) * 1000.0
        self.last = {
            "t": "grads", "watch": self.id, "step": self.step,
            "gradNorm": grad_norm, "weightNorm": weight_norm, "updateRatio": update_ratio,
            "nan": nan, "inf": inf, "hist": hist,
            "overheadMs": overhead_ms, "stepMs": step_ms,
        }
        _channel.emit(self.last)

    # -- stopping ---------------------------------------------------------------------------------

    def unwatch(self):
        """Remove every hook and the optimizer wrapper; send ``grads-unwatch``.  Idempotent."""
        if not self.active:
            return
        self.active = False
        for h in self._hooks:
            try:
                h.remove()
            except Exception:
                pass
        self._hooks = []
        self._unwrap()
        self._prev = None
        self._forward_checks = []
        if self in _watches:
            _watches.remove(self)
        _channel.emit({"t": "grads-unwatch", "watch": self.id})


def _finite_checks(torch, output, out, depth):
    if depth > 4:
        return
    if isinstance(output, torch.Tensor):
        if output.is_floating_point() or output.is_complex():
            out.append(torch.isfinite(output.detach()).all())
    elif isinstance(output, (list, tuple)):
        for o in output:
            _finite_checks(torch, o, out, depth + 1)
    elif isinstance(output, dict):
        for o in output.values():
            _finite_checks(torch, o, out, depth + 1)


# -- the public functions (re-exported by lathe/__init__.py) ----------------------------------------

def watch(model, optimizer=None, every=1, weights=True, histograms=False, detect_forward_nan=False, activations=False,
          update_every=10):
    """Watch ``model``'s gradients; returns a handle (``.unwatch()``).  A model already watched is unwatched
    first.  ``activations=True`` is accepted as an alias of ``detect_forward_nan=True``.  The update ratio
    (|dw|/|w|) is measured on one logged step in ``update_every`` (1: every logged step)."""
    for w in list(_watches):
        if w.model is model:
            w.unwatch()
    return Watch(model, optimizer=optimizer, every=every, weights=weights, histograms=histograms,
                 detect_forward_nan=bool(detect_forward_nan or activations), update_every=update_every)


def unwatch(model_or_handle=None):
    """Stop watching a model (or a handle); with no argument, every watch.  Returns how many stopped."""
    stopped = 0
    for w in list(_watches):
        if model_or_handle is None or w is model_or_handle or w.model is model_or_handle:
            w.unwatch()
            stopped += 1
    return stopped


def step(model_or_handle=None):
    """Mark a step boundary for the watches that have no optimizer (call it after ``optimizer.step()``)."""
    for w in list(_watches):
        if w.optimizer is not None:
            continue  # its optimizer.step marks the boundaries: never counted twice
        if model_or_handle is None or w is model_or_handle or w.model is model_or_handle:
            w.mark_step()


def log(name, value, step=None):
    """Log a scalar (loss, lr, ...) to Lathe's gradients panel.  ``step`` defaults to the step of the most
    recent active watch (call it after the step), else a counter per name."""
    try:
        if hasattr(value, "item"):
            value = value.item()
        value = float(value)
    except Exception:
        value = None
    if value is not None and not _finite(value):
        value = None
    name = str(name)
    if step is None:
        if _watches:
            step = _watches[-1].step
        else:
            step = _scalar_steps.get(name, 0) + 1
    step = int(step)
    _scalar_steps[name] = step
    _channel.emit({"t": "scalar", "name": name, "step": step, "value": value})
    return step


def watches():
    """The active watches."""
    return list(_watches)
