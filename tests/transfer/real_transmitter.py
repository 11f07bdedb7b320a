"""The real rayvision_transmitter (from the rayvision-sync 3.1.8 wheel) against a closed port.

    python real_transmitter.py --renderbus target/debug/renderbus

Run with this virtualenv's Python first on PATH and no --transmitter, so renderbus finds the
program inside the installed rayvision_sync package itself. The farm's default Aspera line is
127.0.0.1:10221, checked closed first: the program answers "retry" (exit 1), renderbus runs it
again after its backoff (--retries 1: two runs), then exits 12 naming the program's log folder.
Loopback only; nothing else is reached.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import start_farm  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--renderbus", required=True)
    args = parser.parse_args()
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 10221)) == 0:
            sys.exit("FAIL: something listens on 127.0.0.1:10221; the test needs it closed")
    work = tempfile.mkdtemp(prefix="transfer-real-")
    scene = os.path.join(work, "scene.mb")
    with open(scene, "w") as f:
        f.write("scene")
    farm, env = start_farm(args.renderbus)
    try:
        run_env = dict(os.environ, **env)
        run_env["HOME"] = work
        run_env.pop("RENDERBUS_TRANSMITTER", None)
        run_env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + run_env.get("PATH", "")
        started = time.time()
        done = subprocess.run([args.renderbus, "--retries", "1", "transfer", "upload", scene],
                              env=run_env, capture_output=True, text=True, timeout=600)
        took = time.time() - started
    finally:
        farm.kill()
        farm.wait()
    log = os.path.join(work, "renderfarm_sdk", "rayvision_transmitter")
    problems = []
    if done.returncode != 12:
        problems.append("exit %d, not 12" % done.returncode)
    if "exited 1" not in done.stderr or "after 2 attempt(s)" not in done.stderr:
        problems.append("the error does not say the program exited 1 after 2 attempts")
    if log not in done.stderr:
        problems.append("the error does not name the log folder %s" % log)
    if not os.path.isdir(log):
        problems.append("the program wrote no log into %s" % log)
    if done.stderr.count("asked to be retried") != 1:
        problems.append("not one retry notice")
    if "upload task failure" in done.stderr + done.stdout:
        problems.append("the program's own output was echoed")
    print(done.stderr.strip())
    if problems:
        print("FAIL real transmitter (%.0fs): %s" % (took, "; ".join(problems)))
        sys.exit(1)
    print("ok   real transmitter: retried once, then exit 12 naming %s (%.0fs)" % (log, took))


if __name__ == "__main__":
    main()
