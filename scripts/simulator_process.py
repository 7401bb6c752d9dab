"""Start and stop the project's ConnectWise simulator as a real HTTP server for a test run."""

import contextlib
import os
import subprocess
import sys
import tempfile
import time

READY_TIMEOUT = 15.0


@contextlib.contextmanager
def running_simulator(*extra_args, log_path=None, python=sys.executable):
    """Yield the base URL of a simulator listening on a free loopback port, with no tenant yet.

    The simulator writes its port to a file once it accepts connections, which avoids both a
    fixed port (parallel runs collide) and polling with requests that would count in its stats.
    """
    with tempfile.TemporaryDirectory(prefix="cwsim-") as scratch:
        port_file = os.path.join(scratch, "port")
        log_path = log_path or os.path.join(scratch, "simulator.log")
        tls = "--tls" in extra_args
        command = [python, "-m", "cwsim", "--host", "127.0.0.1", "--port", "0", "--port-file", port_file, "--no-demo-tenants"]
        command += list(extra_args)
        with open(log_path, "ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + READY_TIMEOUT
            while not _read(port_file):
                if process.poll() is not None:
                    raise RuntimeError("the simulator exited with code %s before it was ready; see %s" % (process.returncode, log_path))
                if time.monotonic() > deadline:
                    raise RuntimeError("the simulator was not ready within %.0f s; see %s" % (READY_TIMEOUT, log_path))
                time.sleep(0.05)
            yield "%s://127.0.0.1:%s" % ("https" if tls else "http", _read(port_file))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return ""
