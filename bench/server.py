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

    def cpu_seconds(self) -> float:
        """CPU time of this server so far: the arbiter, its live workers, and the workers it has
        already replaced (counted in the arbiter's children's time)."""
        if self.process is None:
            return 0.0
        return process_tree_cpu(self.process.pid)

    def worker_cpu_seconds(self) -> float:
        """CPU time of the live workers only (cheap enough to read between two requests)."""
        if self.process is None:
            return 0.0
        return process_tree_cpu(self.process.pid, children_only=True)


TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            data = handle.read()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: split after it.
    return data[data.rindex(")") + 2 :].split()


def process_tree_cpu(root: int, *, children_only: bool = False) -> float:
    """User + system seconds of ``root`` (with its reaped children) and its live children."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat(int(entry))
        if fields is None:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == root and not children_only:
            total += sum(int(v) for v in fields[11:15]) / TICKS  # utime stime cutime cstime
        elif ppid == root:
            total += sum(int(v) for v in fields[11:13]) / TICKS
    return total


def postgres_server_cpu() -> float:
    """User + system seconds of the PostgreSQL server on this machine: its postmaster with the
    backends it has reaped, and the processes it runs now (backends, checkpointer, WAL writer,
    autovacuum). Counting the reaped ones matters: an app thread reconnects after
    DATABASE_CONN_MAX_AGE, and a backend that ended during a step takes its CPU with it. 0 when
    no PostgreSQL runs here (a server on another machine is not measured)."""
    postmasters = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                title = handle.read()
        except OSError:
            continue
        # Every process the postmaster starts retitles itself "postgres: ...".
        if title.startswith(b"postgres: "):
            fields = _stat(int(entry))
            if fields is not None:
                postmasters.add(int(fields[1]))
    return sum(process_tree_cpu(pid) for pid in postmasters)


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
