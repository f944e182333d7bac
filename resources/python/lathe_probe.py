# Lathe's interpreter probe: prints one JSON line describing the Python that runs it.
# Runs on Python 2.7 and 3.x (so an old interpreter can be reported as too old rather than as broken).
# Module presence is checked without importing anything (importing torch takes seconds).
import json
import os
import sys

# The probe's own folder is sys.path[0]; it is no place to look for the user's modules.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if p and os.path.abspath(p) != _here]


def _present(name):
    try:
        if sys.version_info[0] >= 3:
            import importlib.util
            return importlib.util.find_spec(name) is not None
        import imp
        handle = imp.find_module(name)
        if handle[0] is not None:
            handle[0].close()
        return True
    except Exception:
        return False


def main():
    info = {
        "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "conda": os.path.exists(os.path.join(sys.prefix, "conda-meta")),
        "modules": dict((m, _present(m)) for m in ("numpy", "torch", "IPython", "onnx")),
    }
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()


main()
