"""A small asyncio HTTP/1.1 client for loopback load: keep-alive connections from a bounded pool,
requests sent at scheduled times (open loop), latency counted from the scheduled time.

Counting from the scheduled time, not from when a connection was free, means a slow server
cannot hide its queue by slowing the client down (no coordinated omission). The client itself
is a few dozen lines over asyncio streams: no HTTP library's per-request cost, since it shares
the machine's two cores with the server it measures.
"""

import asyncio
import math
import time
from dataclasses import dataclass, field

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class HTTPError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    def __init__(self, host: str, port: int):
        if host not in LOOPBACK:
            raise ValueError("the benchmark only sends traffic to this machine (loopback)")
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.used = 0

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.used = 0

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> Reply:
        if self.writer is None:
            await self.open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.used += 1
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        reply_headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                reply_headers[name.strip().lower()] = value.strip()
        if "content-length" in reply_headers:
            data = await self.reader.readexactly(int(reply_headers["content-length"]))
        elif reply_headers.get("transfer-encoding", "").lower() == "chunked":
            data = await self._chunked()
        else:
            data = await self.reader.read()
            self.close()
        if reply_headers.get("connection", "").lower() == "close":
            self.close()
        return Reply(status, reply_headers, data)

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


class Pool:
    """Up to ``size`` keep-alive connections; a request waits for a free one."""

    def __init__(self, host: str, port: int, size: int):
        self.host, self.port = host, port
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(Connection(host, port))

    async def request(self, method, path, headers, body=b"") -> Reply:
        connection = await self.idle.get()
        try:
            try:
                return await connection.request(method, path, headers, body)
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                # The server closed an idle keep-alive connection before reading this request
                # (nothing of a reply came back): send it once more on a new connection.
                connection.close()
                if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                    raise
                return await connection.request(method, path, headers, body)
        except BaseException:
            connection.close()
            raise
        finally:
            self.idle.put_nowait(connection)

    def close(self):
        while not self.idle.empty():
            self.idle.get_nowait().close()


@dataclass
class Sample:
    kind: str
    at: float  # scheduled time, seconds from the start
    latency: float | None  # seconds from the scheduled time to the end of the reply; None: not sent
    ok: bool
    status: int = 0
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)

    def add(self, *args, **kwargs):
        self.samples.append(Sample(*args, **kwargs))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a list of numbers; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(samples: list[Sample]) -> dict:
    """Count, errors, p50/p95/p99/mean/max in milliseconds, per kind and for all."""

    def figures(group):
        latencies = [s.latency * 1000 for s in group if s.latency is not None]
        return {
            "requests": len(latencies),
            "errors": sum(1 for s in group if not s.ok),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "mean_ms": round(sum(latencies) / len(latencies), 1) if latencies else math.nan,
            "max_ms": round(max(latencies), 1) if latencies else math.nan,
        }

    out = {"all": figures(samples)}
    for kind in sorted({s.kind for s in samples}):
        out[kind] = figures([s for s in samples if s.kind == kind])
    errors = {}
    for s in samples:
        if not s.ok:
            key = s.error or f"HTTP {s.status}"
            errors[key] = errors.get(key, 0) + 1
    out["error_kinds"] = errors
    return out


async def run_schedule(events, pool: Pool, recorder: Recorder, *, deadline: float, start=None):
    """Run ``events``: an iterable of (time from start in seconds, coroutine function), sorted
    by time. Each coroutine function gets (pool, recorder, scheduled time) and records its own
    sample. Stops scheduling at ``deadline`` seconds; waits for what is in flight."""
    loop = asyncio.get_running_loop()
    start = loop.time() if start is None else start
    tasks = set()
    for at, action in events:
        if at >= deadline:
            break
        delay = start + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(action(pool, recorder, at, start))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    return loop.time() - start


async def timed(kind, recorder, at, start, call, check):
    """Await ``call()``, record latency from the scheduled time; ``check(reply)`` says ok."""
    loop = asyncio.get_running_loop()
    try:
        reply = await asyncio.wait_for(call(), timeout=30)
    except TimeoutError:
        recorder.add(kind, at, loop.time() - start - at, False, 0, "timeout")
        return None
    except Exception as error:  # a refused or broken connection is an error, not a crash
        recorder.add(kind, at, loop.time() - start - at, False, 0, type(error).__name__)
        return None
    ok = check(reply)
    recorder.add(kind, at, loop.time() - start - at, ok, reply.status)
    return reply


def now() -> float:
    return time.perf_counter()
