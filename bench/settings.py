"""Settings for the processes the benchmark starts: the app's own settings, plus a bench-only
URLconf (the bare view of P4). Nothing here is loaded by the app itself."""

from classroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
