"""Settings for the processes the benchmark starts: the app's own settings, plus a bench-only
URLconf (the bare view of P4). Nothing here is loaded by the app itself."""

import os

from classroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Experiments only ("what was tried" in docs/performance.md): keep SQLite connections between
# requests, as DATABASE_CONN_MAX_AGE already does for PostgreSQL. Unset, the app's settings rule.
if os.getenv("BENCH_SQLITE_CONN_MAX_AGE") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_SQLITE_CONN_MAX_AGE"])  # noqa: F405
