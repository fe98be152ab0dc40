"""The production stack as a district runs it: settings from the environment, gunicorn's config,
hashed static files from WhiteNoise, /healthz, and several app servers sharing one database.

The live tests start real gunicorn servers on loopback against the test database (SQLite or
PostgreSQL, whichever the suite runs on), the way `make serve` does, and talk HTTP to them.
"""

import contextlib
import datetime
import json
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from gunicorn import glogging
from gunicorn.config import Config as GunicornConfig

from tests import factories

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
HASHED_CSS = re.compile(r"/static/css/app\.[0-9a-f]{12}\.css")
WRONG_CODE = "ZZZZ-9999"


def production_env(**overrides) -> dict[str, str]:
    """The environment of a production server, free of the developer's own settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "REDIS_URL",
            "DATABASE_URL",
            "LOCAL_HTTP",
            "STATIC_ROOT",
            "CACHE_KEY_PREFIX",
            "WEB_CONCURRENCY",
            # Set by the browser tests' fixtures for the rest of the session.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not key.startswith(("SECURE_", "SESSION_", "LOGIN_", "JOIN_CODE_", "GUNICORN_"))
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "classroom.settings",
    }
    return env | overrides


def run(*args, env, check=False):
    return subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=check
    )


def settings_under(env, *names):
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    return json.loads(run(sys.executable, "-c", script, env=env, check=True).stdout)


# --- Settings from the environment -----------------------------------------------------------


def test_database_url_selects_postgresql_with_pooled_checked_connections():
    env = production_env(
        DATABASE_URL="postgres://app:s3cret@db.example.org:5433/lessons?sslmode=require"
    )

    database = settings_under(env, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.org",
        5433,
        "lessons",
    )
    assert (database["USER"], database["PASSWORD"]) == ("app", "s3cret")
    # Prepared statements by default (docs/performance.md: planning was most of PostgreSQL's
    # work per request).
    assert database["OPTIONS"] == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_carry_them():
    env = production_env(
        DATABASE_URL="postgres://app:s3cret@db.example.org:5433/lessons?sslmode=require",
        DATABASE_PREPARED_STATEMENTS="false",
    )

    database = settings_under(env, "DATABASES")["DATABASES"]["default"]

    assert database["OPTIONS"] == {"sslmode": "require"}


def test_without_database_url_it_is_sqlite():
    database = settings_under(production_env(), "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"


def test_sessions_are_in_the_database_and_behind_redis_when_there_is_one():
    plain = settings_under(production_env(), "SESSION_ENGINE", "CACHES")
    with_redis = settings_under(
        production_env(REDIS_URL="redis://127.0.0.1:6379/2", CACHE_KEY_PREFIX="district-a"),
        "SESSION_ENGINE",
        "CACHES",
    )

    # The app's stores are Django's, reading a session with one SQL statement.
    assert plain["SESSION_ENGINE"] == "classroom.sessions.db"
    assert issubclass(import_module(plain["SESSION_ENGINE"]).SessionStore, db.SessionStore)
    assert plain["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert with_redis["SESSION_ENGINE"] == "classroom.sessions.cached_db"
    assert issubclass(
        import_module(with_redis["SESSION_ENGINE"]).SessionStore, cached_db.SessionStore
    )
    assert with_redis["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
        "KEY_PREFIX": "district-a",
    }


def test_local_http_serves_plain_cookies_with_no_https_redirect():
    values = settings_under(
        production_env(LOCAL_HTTP="true"),
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
    )

    assert values == {
        "SESSION_COOKIE_NAME": "sessionid",
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_NAME": "csrftoken",
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "DEBUG": False,
    }


def test_the_deploy_check_flags_local_http():
    result = run(
        sys.executable,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(LOCAL_HTTP="true"),
    )

    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr  # session cookie not Secure
    assert "security.W016" in result.stdout + result.stderr  # CSRF cookie not Secure


def test_local_http_is_refused_for_a_real_host_name():
    result = run(
        sys.executable,
        "manage.py",
        "check",
        env=production_env(LOCAL_HTTP="true", ALLOWED_HOSTS="127.0.0.1,lessons.example.org"),
    )

    assert result.returncode != 0
    assert "LOCAL_HTTP is for this machine only" in result.stderr


@pytest.mark.parametrize("variable", ["DATABASE_CONN_MAX_AGE", "WHITENOISE_MAX_AGE", "LOCAL_HTTP"])
def test_a_bad_value_stops_the_app_from_starting(variable):
    result = run(sys.executable, "manage.py", "check", env=production_env(**{variable: "soon"}))

    assert result.returncode != 0
    assert variable in result.stderr


# --- gunicorn's config -----------------------------------------------------------------------


def gunicorn_config(monkeypatch, **env) -> dict:
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name == "WEB_CONCURRENCY":
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_defaults_suit_this_machine(monkeypatch):
    config = gunicorn_config(monkeypatch)

    assert config["wsgi_app"] == "classroom.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["worker_class"] == "gthread"
    assert config["workers"] == config["default_workers"](os.cpu_count())
    assert config["threads"] == 2
    assert (config["timeout"], config["graceful_timeout"]) == (30, 30)
    assert config["control_socket_disable"] is True
    assert config["logger_class"] is config["AccessLogger"]


def test_gunicorn_workers_default_to_one_per_core_plus_one_at_most_eight(monkeypatch):
    default_workers = gunicorn_config(monkeypatch)["default_workers"]

    assert [default_workers(cores) for cores in (1, 2, 3, 4, 7, 64)] == [2, 3, 4, 5, 8, 8]


def test_gunicorn_takes_its_settings_from_the_environment(monkeypatch):
    config = gunicorn_config(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:8000, [::]:8000",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="2",
        GUNICORN_TIMEOUT="60",
        GUNICORN_MAX_REQUESTS="0",
    )

    assert config["bind"] == ["0.0.0.0:8000", "[::]:8000"]
    assert (config["workers"], config["threads"], config["timeout"]) == (3, 2, 60)
    assert (config["max_requests"], config["max_requests_jitter"]) == (0, 0)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("WEB_CONCURRENCY", "lots"), ("GUNICORN_THREADS", "0"), ("GUNICORN_TIMEOUT", "-5")],
)
def test_a_bad_gunicorn_value_stops_the_server(monkeypatch, variable, value):
    with pytest.raises(SystemExit, match=variable):
        gunicorn_config(monkeypatch, **{variable: value})


def test_the_access_log_leaves_out_query_strings_and_referrers(monkeypatch):
    log_format = gunicorn_config(monkeypatch)["access_log_format"]

    assert "%(U)s" in log_format  # the path alone
    for field in ["%(r)s", "%(q)s", "%(f)s"]:
        assert field not in log_format


def test_the_access_log_writes_what_gunicorns_own_logger_would(monkeypatch):
    config = gunicorn_config(monkeypatch)
    logger = config["AccessLogger"](GunicornConfig())
    environ = {
        "REMOTE_ADDR": "10.1.2.3",
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/work/7/autosave/?x=1",
        "PATH_INFO": "/work/7/autosave/",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"',
        "HTTP_COOKIE": "sessionid=secret",
    }
    response = SimpleNamespace(status="200 OK", sent=42, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=secret")])
    took = datetime.timedelta(seconds=1, microseconds=234567)

    ours = logger.atoms(response, request, environ, took)
    theirs = glogging.Logger(GunicornConfig()).atoms(response, request, environ, took)

    assert set(ours) == config["ACCESS_LOG_FIELDS"]  # every field the format names, no more
    assert {field: ours[field] for field in ours if field != "t"} == {
        field: theirs[field] for field in ours if field != "t"
    }
    line = config["access_log_format"] % glogging.SafeAtoms(ours)
    assert line.startswith("10.1.2.3 - - [")
    assert line.endswith(
        '"POST /work/7/autosave/ HTTP/1.1" 200 42 "Mozilla/5.0 \\"quoted\\"" 1234ms'
    )


def test_gunicorn_accepts_the_config_and_loads_the_app():
    result = run(
        str(GUNICORN), "--config", str(GUNICORN_CONF), "--check-config", env=production_env()
    )

    assert result.returncode == 0, result.stdout + result.stderr


# --- Live servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn server on loopback, as `make serve` starts it."""

    def __init__(self, env, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        env = env | {
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "2",
        }
        self.log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (gunicorn from our own virtualenv)
            [str(GUNICORN), "--config", str(GUNICORN_CONF)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method, path, body=None, headers=None):
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                self.request("GET", "/healthz")
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start:\n{self.output()}")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@contextlib.contextmanager
def servers(count, env, tmp_path):
    started = []
    try:
        for number in range(count):
            started.append(Server(env, tmp_path / f"gunicorn-{number}.log"))
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()


class Browser:
    """Keeps cookies across servers, as a browser behind a load balancer does (cookies do not
    depend on the port). Follows no redirects."""

    def __init__(self):
        self.cookies = SimpleCookie()

    def _send(self, server, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        status, response_headers, content = server.request(method, path, body, headers)
        for cookie in response_headers.get_all("Set-Cookie") or []:
            self.cookies.load(cookie)
            for name, morsel in list(self.cookies.items()):
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    del self.cookies[name]
        return status, response_headers, content.decode()

    def get(self, server, path):
        return self._send(server, "GET", path)

    def post(self, server, path, data, token):
        body = urlencode(data | {"csrfmiddlewaretoken": token})
        return self._send(
            server,
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def token_from(self, server, path) -> str:
        status, _, page = self.get(server, path)
        assert status == 200, (path, status)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, f"no form on {path}"
        return match.group(1)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic, as a deployment's build step runs it: hashed, compressed copies."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = production_env(STATIC_ROOT=str(root))
    run(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", env=env, check=True)
    assert (root / "staticfiles.json").exists()
    return root


def database_env() -> dict[str, str]:
    """Points a server at the test database this test process uses."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": database["NAME"]}
    user = quote(database["USER"] or "", safe="")
    password = quote(database["PASSWORD"] or "", safe="")
    host = quote(database["HOST"] or "", safe="")
    return {
        "DATABASE_URL": f"postgres://{user}:{password}@{host}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    }


def redis_is_running() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture(params=["database cache", "redis"])
def shared_cache_env(request):
    if request.param == "database cache":
        # The counters of an earlier run of this test (with --reuse-db) must not count here.
        cache.clear()
        yield {}
        return
    if not redis_is_running():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import redis

    prefix = f"test-{secrets.token_hex(6)}"
    yield {"REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": prefix}
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_two_servers_share_sessions_and_join_code_limits(
    transactional_db, static_root, shared_cache_env, tmp_path
):
    student = factories.StudentFactory(username="kai", first_name="Kai", last_name="Kim")
    # The servers know only Django's usual hashers, not the tests' fast one.
    student.password = PBKDF2PasswordHasher().encode(factories.PASSWORD, "pghelpersalt")
    student.save(update_fields=["password"])
    env = production_env(
        LOCAL_HTTP="true",
        STATIC_ROOT=str(static_root),
        JOIN_CODE_LIMITS_PER_USER="4/d",
        JOIN_CODE_LIMITS_PER_IP="1000/d",
        **database_env(),
        **shared_cache_env,
    )
    login, join = reverse("accounts:login"), reverse("classroom:class-join")
    dashboard, logout = reverse("classroom:student-dashboard"), reverse("accounts:logout")
    browser = Browser()

    with servers(2, env, tmp_path) as (one, two):
        # Logged in on one server, signed in on the other.
        token = browser.token_from(one, login)
        status, headers, _ = browser.post(
            one, login, {"username": "kai", "password": factories.PASSWORD}, token
        )
        assert status == 302, one.output()
        status, _, page = browser.get(two, dashboard)
        assert status == 200
        assert "Kai" in page

        # Four codes that did not work, two on each server: the fifth try is refused on either.
        token = browser.token_from(two, join)
        for server in [one, two, one, two]:
            status, _, page = browser.post(server, join, {"join_code": WRONG_CODE}, token)
            assert status == 200
        status, headers, page = browser.post(one, join, {"join_code": WRONG_CODE}, token)
        assert status == 429
        assert int(headers["Retry-After"]) > 0
        assert browser.post(two, join, {"join_code": WRONG_CODE}, token)[0] == 429

        # Logged out on one server, signed out on the other.
        status, _, _ = browser.post(two, logout, {}, browser.token_from(two, dashboard))
        assert status == 302
        status, headers, _ = browser.get(one, dashboard)
        assert status == 302
        assert headers["Location"].startswith(login)


def test_pages_use_hashed_static_files_served_compressed_and_cached_for_good(
    transactional_db, static_root, tmp_path
):
    env = production_env(LOCAL_HTTP="true", STATIC_ROOT=str(static_root), **database_env())

    with servers(1, env, tmp_path) as (server,):
        status, _, page = server.request("GET", reverse("accounts:login") + "?next=/secret-query")
        assert status == 200
        css = HASHED_CSS.search(page.decode())
        assert css, "the page links the hashed stylesheet"

        status, headers, body = server.request(
            "GET", css.group(0), headers={"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert body[:2] == b"\x1f\x8b"  # gzip's magic number: the file WhiteNoise compressed
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
        # The unhashed name still answers, but only for a minute.
        status, headers, _ = server.request("GET", "/static/css/app.css")
        assert status == 200
        assert headers["Cache-Control"] == "max-age=60, public"

        time.sleep(0.5)  # the access log line of the first request
        log = server.output()
    assert '"GET /accounts/login/ HTTP/1.1" 200' in log
    assert "secret-query" not in log


def test_behind_a_tls_balancer_pages_go_to_https_but_the_health_check_does_not(
    transactional_db, static_root, tmp_path
):
    env = production_env(STATIC_ROOT=str(static_root), **database_env())
    login = reverse("accounts:login")

    with servers(1, env, tmp_path) as (server,):
        status, _, body = server.request("GET", "/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})

        status, headers, _ = server.request("GET", login)
        assert status == 301
        assert headers["Location"] == f"https://127.0.0.1:{server.port}{login}"

        # What the balancer forwards after TLS: the page, with HTTPS-only host-only cookies.
        status, headers, _ = server.request("GET", login, headers={"X-Forwarded-Proto": "https"})
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        cookie = headers["Set-Cookie"]
        assert cookie.startswith("__Host-csrftoken=")
        assert "Secure" in cookie


def test_the_health_check_answers_503_when_the_database_is_unreachable(static_root, tmp_path):
    # Nothing listens on port 1; the database cache goes down with the database.
    env = production_env(
        LOCAL_HTTP="true",
        STATIC_ROOT=str(static_root),
        DATABASE_URL="postgres://postgres@127.0.0.1:1/lessons",
    )

    with servers(1, env, tmp_path) as (server,):
        status, headers, body = server.request("GET", "/healthz")

    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "unavailable", "failed": ["database", "cache"]}
    assert b"127.0.0.1" not in body
    assert "Health check: the database did not answer" in server.output()
