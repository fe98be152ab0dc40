"""gunicorn for the benchmark: the project's gunicorn.conf.py, the production settings
(DEBUG off, WhiteNoise's compressed static files) over plain http on loopback (LOCAL_HTTP)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Server:
    def __init__(self, name: str, port: int, env: dict, logdir: Path):
        self.name, self.port, self.env = name, port, env
        self.log = logdir / f"gunicorn-{name}.log"
        self.process = None

    def start(self, timeout: float = 60):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 — the venv's gunicorn
                [str(BIN / "gunicorn"), "--config", str(BASE_DIR / "gunicorn.conf.py")],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited; see {self.log}")
            if _healthy(self.port):
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn ({self.name}) did not answer /healthz; see {self.log}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # Only this server's own process group: the gunicorn arbiter started above and its workers.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _healthy(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
