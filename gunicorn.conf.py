"""Gunicorn settings for the production stack, read from the environment.

gunicorn picks this file up by itself when started from the project folder (`make serve` also
passes it with --config). Every value can be changed without editing it:

| Variable | Default | Meaning |
|---|---|---|
| GUNICORN_BIND | 127.0.0.1:8000 | Address(es) to listen on, comma-separated; 0.0.0.0:8000 behind a balancer. |
| WEB_CONCURRENCY | cores + 1, at most 8 | Worker processes. |
| GUNICORN_THREADS | 2 | Threads per worker (each holds one database connection). |
| GUNICORN_TIMEOUT | 30 | Seconds a request may take before its worker is restarted. |
| GUNICORN_GRACEFUL_TIMEOUT | 30 | Seconds given to finish requests on a restart or shutdown. |
| GUNICORN_KEEPALIVE | 5 | Seconds an idle connection from the balancer is kept open. |
| GUNICORN_MAX_REQUESTS | 10000 | Requests after which a worker is replaced (0: never). |
| GUNICORN_LOG_LEVEL | info | gunicorn's own log level. |
| FORWARDED_ALLOW_IPS | 127.0.0.1,::1 | Read by gunicorn itself: proxies allowed to say the request came over https. |

A bad value stops the server from starting, as a bad setting does in classroom/settings.py.
"""

import multiprocessing
import os
import re
from pathlib import Path

from gunicorn import glogging


def _whole_number(name: str, default: int, *, minimum: int) -> int:
    value = os.getenv(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SystemExit(f"{name} must be {minimum} or more, not {number}")
    return number


def default_workers(cores: int) -> int:
    """One process per core, plus one to use a core while another process waits on the
    database; capped, as each worker's threads hold database connections and PostgreSQL's
    default max_connections is 100 for every server together.

    Fewer than gunicorn's rule of thumb (2 × cores + 1): this app's requests are short and
    mostly Python, and on the 2-core benchmark machine 5 workers × 4 threads cost 10–30 % more
    CPU per request than 3 × 2 (more processes and database connections on the same two cores,
    each with cold caches), so fewer students were served (docs/performance.md)."""
    return min(cores + 1, 8)


wsgi_app = "classroom.wsgi:application"
bind = [
    address.strip()
    for address in os.getenv("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]

# Threads let one worker serve a slow phone on school Wi-Fi and a quick autosave at once.
worker_class = "gthread"
workers = _whole_number("WEB_CONCURRENCY", default_workers(multiprocessing.cpu_count()), minimum=1)
# Two threads: while one waits on the database or a slow client, the other serves.
threads = _whole_number("GUNICORN_THREADS", 2, minimum=1)

timeout = _whole_number("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = _whole_number("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = _whole_number("GUNICORN_KEEPALIVE", 5, minimum=0)
# Replacing each worker now and then bounds any slow leak; the jitter keeps them from all
# restarting at once. Not too often: a class autosaving sends a request every few seconds per
# student, and each new worker costs about a quarter of a second of CPU to start plus slower
# first requests (at 1,000, a busy school server replaced a worker every few seconds).
max_requests = _whole_number("GUNICORN_MAX_REQUESTS", 10000, minimum=0)
max_requests_jitter = max_requests // 10

# The workers' heartbeat files in memory rather than on a disk that may stall.
if Path("/dev/shm").is_dir():  # noqa: S108 (a fixed system path, not a temporary file)
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# No control socket: several servers may run on one machine (it would be shared), and nothing
# here manages gunicorn through it.
control_socket_disable = True

# Logs go to stdout/stderr for the service manager to collect. The access log is gunicorn's
# usual format with the path only, and no referrer: a query string (here or in the page a
# person came from) can carry a search or a join code. The time taken, in milliseconds, ends
# each line. Request bodies (students' answers) are never logged, by gunicorn or by the app.
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'
# The fields that format names; AccessLogger builds only these.
ACCESS_LOG_FIELDS = frozenset(re.findall(r"%\((\w+)\)s", access_log_format))


class AccessLogger(glogging.Logger):
    """gunicorn's logger, building only the access-log fields ``access_log_format`` names.

    gunicorn's own builds a field for every request header, response header and WSGI environ
    variable of every request, and the format uses eleven: that was 371,000 of the 965,000
    instructions gunicorn spent on a request (callgrind, docs/performance.md). The values are
    gunicorn's own; tests/test_production_settings.py holds the two to each other."""

    def atoms(self, resp, req, environ, request_time):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "l": "-",
            "u": self._get_user(environ) or "-",
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": environ.get("PATH_INFO"),
            "H": environ.get("SERVER_PROTOCOL"),
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "a": environ.get("HTTP_USER_AGENT", "-"),
            "M": (request_time.seconds * 1000) + int(request_time.microseconds / 1000),
        }


logger_class = AccessLogger
