"""Peer of bench/repl-roundtrip.mjs: Jupyter's execute round trip, on the interpreter that runs this script.

Starts an ipykernel (kernel spec "python3") with jupyter_client's KernelManager, checks that the kernel
runs the same interpreter as this script (sys.executable), then times `runs` executions of `code` after
`warmup` untimed ones. One sample: from just before kc.execute(code) until both the shell channel's
execute_reply and the iopub channel's status "idle" for that request have arrived (a Jupyter front end
knows a cell is done only then). The blocking client reads the sockets in this thread: no extra hops.

Prints one JSON object on stdout: {executable, kernelExecutable, startMs, samples: [ms, ...]}.

Usage: python3 bench/peers/jupyter_roundtrip.py [--runs N] [--warmup N] [--code CODE]
"""
import argparse
import json
import os
import sys
import time

from jupyter_client import KernelManager


def wait_done(kc, msg_id, timeout=30):
    """Block until the execute_reply (shell) and the idle status (iopub) of `msg_id` have both come."""
    reply = None
    idle = False
    deadline = time.monotonic() + timeout
    while reply is None:
        msg = kc.get_shell_msg(timeout=max(0.001, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_reply":
            reply = msg
    while not idle:
        msg = kc.get_iopub_msg(timeout=max(0.001, deadline - time.monotonic()))
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            idle = True
    return reply


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--code", default="pass")
    args = parser.parse_args()

    t0 = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    km.start_kernel(env=env)
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        start_ms = (time.perf_counter() - t0) * 1000

        msg_id = kc.execute("import sys", user_expressions={"exe": "sys.executable"})
        reply = wait_done(kc, msg_id)
        exe = reply["content"]["user_expressions"]["exe"]["data"]["text/plain"].strip("'\"")
        if os.path.realpath(exe) != os.path.realpath(sys.executable):
            raise SystemExit("the kernel runs %s, not %s (kernel spec argv: %s)" % (exe, sys.executable, km.kernel_spec.argv))

        for _ in range(args.warmup):
            wait_done(kc, kc.execute(args.code))
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            msg_id = kc.execute(args.code)
            reply = wait_done(kc, msg_id)
            samples.append((time.perf_counter() - t) * 1000)
            if reply["content"]["status"] != "ok":
                raise SystemExit("the kernel answered %s" % reply["content"]["status"])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    json.dump({"executable": sys.executable, "kernelExecutable": exe, "startMs": start_ms, "samples": samples}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
