"""``make bench`` / ``python -m bench``: the classroom-load benchmark, on SQLite and on PostgreSQL
when one answers at BENCH_POSTGRES_URL. Prints a table and writes bench/results.json.

Sizes and durations come from environment variables (defaults in brackets); see
docs/performance.md for what each measures.

    BENCH_DATABASES        sqlite,postgres   which databases to measure
    BENCH_POSTGRES_URL     postgres://postgres@127.0.0.1:5432/postgres  (bench databases are
                           created beside it as classroom_bench_*, and dropped afterwards)
    BENCH_CLASSES          200      classes (one teacher each)
    BENCH_STUDENTS_PER_CLASS 30
    BENCH_ASSIGNMENTS_PER_CLASS 6
    BENCH_P2_STEPS         500,750,1000,1250,1500,2000,...,5000   students per step
    BENCH_P2_SECONDS       30       length of each step (the first BENCH_P2_WARMUP s not counted)
    BENCH_P2_WARMUP        5
    BENCH_CONNECTIONS      64       keep-alive connections of the load generator
    BENCH_P3_TURN_INS      1000     turn-ins ...
    BENCH_P3_SECONDS       10       ... spread over this many seconds
    BENCH_P4_REQUESTS      300      autosaves and bare updates each
    BENCH_P5_REQUESTS      100      requests per key page on each database
    BENCH_OUTPUT           bench/results.json
    BENCH_REDIS_URL        (unset)  run the app with Redis (REDIS_URL) for sessions and cache
    BENCH_KEEP             (unset)  1 keeps the work folder and the bench databases
    WEB_CONCURRENCY, GUNICORN_THREADS, ...  passed to gunicorn.conf.py as in production
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import machine, scenarios
from bench.server import BASE_DIR, Server, free_port, postgres_server_cpu

P2_STEPS = "500,750,1000,1250,1500,2000,2500,3000,4000,5000"


def env(name: str, default: str) -> str:
    return os.getenv(name, default)


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Database:
    """One engine's three bench databases: the school, one class (P5), the P1 classes."""

    def __init__(self, engine: str, workdir: Path, base_env: dict):
        self.engine, self.workdir, self.base_env = engine, workdir, base_env
        self.names = ["school", "one", "p1"]
        self.pg_url = env("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

    def env_for(self, name: str) -> dict:
        out = {key: value for key, value in self.base_env.items() if key != "DATABASE_URL"}
        if self.engine == "postgres":
            out["DATABASE_URL"] = self.pg_url.rsplit("/", 1)[0] + f"/classroom_bench_{name}"
        else:
            out["SQLITE_PATH"] = str(self.workdir / f"{name}.sqlite3")
        return out

    def available(self) -> bool:
        if self.engine == "sqlite":
            return True
        try:
            self._pg_admin(["SELECT 1"])
            return True
        except Exception as error:
            log(f"PostgreSQL not available at {self.pg_url}: {error}")
            return False

    def _pg_admin(self, statements):
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True, connect_timeout=5) as connection:
            for statement in statements:
                connection.execute(statement)

    def create(self):
        if self.engine == "postgres":
            self._pg_admin(
                statement
                for name in self.names
                for statement in (
                    f"DROP DATABASE IF EXISTS classroom_bench_{name} WITH (FORCE)",
                    f"CREATE DATABASE classroom_bench_{name}",
                )
            )
        else:
            for name in self.names:
                for path in self.workdir.glob(f"{name}.sqlite3*"):
                    path.unlink()

    def drop(self):
        if self.engine == "postgres":
            self._pg_admin(
                f"DROP DATABASE IF EXISTS classroom_bench_{name} WITH (FORCE)"
                for name in self.names
            )
        else:
            for name in self.names:
                for path in self.workdir.glob(f"{name}.sqlite3*"):
                    path.unlink()

    def step(self, step: str, name: str, *args) -> dict:
        output = self.workdir / f"{self.engine}-{name}-{step}.json"
        subprocess.run(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "bench.steps", step, str(output), *map(str, args)],
            cwd=BASE_DIR,
            env=self.env_for(name),
            check=True,
        )
        return json.loads(output.read_text())


def base_environment(workdir: Path) -> dict:
    out = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    # The default is the app's default: sessions and the cache in the database. BENCH_REDIS_URL
    # measures the variant with Redis in front (sessions read from Redis, cached_db).
    if os.getenv("BENCH_REDIS_URL"):
        out["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        out["CACHE_KEY_PREFIX"] = "classroom-bench"
    out.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(BASE_DIR),
            "DEBUG": "false",
            "LOCAL_HTTP": "true",
            "SECRET_KEY": os.getenv("BENCH_SECRET_KEY") or os.urandom(32).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    return out


def run_engine(engine: str, workdir: Path, base_env: dict) -> dict:
    db = Database(engine, workdir, base_env)
    if not db.available():
        return {"available": False}
    out = {"available": True}
    db.create()
    try:
        out["migrate_s"] = {name: db.step("migrate", name)["seconds"] for name in db.names}
        log(f"{engine}: seeding the school")
        school = db.step("seed-school", "school")
        plan = school.pop("plan")
        out["seed"] = school
        log(f"{engine}: seeded in {school['seconds']} s; seeding one class")
        one = db.step("seed-one", "one")
        log(f"{engine}: P1 query counts")
        out["p1"] = db.step("p1", "p1")
        out["database"] = db.step("version", "p1")["database"]

        school_server = Server(f"{engine}-school", free_port(), db.env_for("school"), workdir)
        one_server = Server(f"{engine}-one", free_port(), db.env_for("one"), workdir)
        with school_server:
            log(f"{engine}: P6 bytes over the wire")
            out["p6"] = asyncio.run(scenarios.page_weight(school_server.port, plan))
            log(f"{engine}: P4 autosave against the bare view")
            out["p4"] = asyncio.run(
                scenarios.autosave_vs_bare(
                    school_server.port,
                    plan,
                    requests=envint("BENCH_P4_REQUESTS", 300),
                    cpu_probe=lambda: (
                        school_server.worker_cpu_seconds()
                        + (postgres_server_cpu() if engine == "postgres" else 0)
                    ),
                )
            )
            with one_server:
                log(f"{engine}: P5 school against one class")
                out["p5"] = asyncio.run(
                    scenarios.growth(
                        school_server.port,
                        one_server.port,
                        plan["p5"],
                        one["p5"],
                        plan["cookies"],
                        requests=envint("BENCH_P5_REQUESTS", 100),
                    )
                )
            steps = [int(n) for n in env("BENCH_P2_STEPS", P2_STEPS).split(",")]
            log(f"{engine}: P2 classroom mix, steps {steps}")
            out["p2"] = asyncio.run(
                scenarios.classroom_mix(
                    school_server.port,
                    plan,
                    steps,
                    duration=envint("BENCH_P2_SECONDS", 30),
                    warmup=envint("BENCH_P2_WARMUP", 5),
                    connections=envint("BENCH_CONNECTIONS", 64),
                    cpu_probe=lambda: {
                        "app": school_server.cpu_seconds(),
                        "db": postgres_server_cpu() if engine == "postgres" else 0.0,
                    },
                )
            )
            log(f"{engine}: P2 best {out['p2']['best']}; P3 deadline rush")
            rush, sent = asyncio.run(
                scenarios.deadline_rush(
                    school_server.port,
                    plan,
                    count=envint("BENCH_P3_TURN_INS", 1000),
                    seconds=envint("BENCH_P3_SECONDS", 10),
                    connections=envint("BENCH_CONNECTIONS", 64),
                )
            )
        sent_file = workdir / f"{engine}-p3-sent.json"
        sent_file.write_text(json.dumps(sent))
        rush["verified"] = db.step("verify-p3", "school", sent_file)
        out["p3"] = rush
        log(f"{engine}: done")
    finally:
        if env("BENCH_KEEP", "") != "1":
            db.drop()
    return out


def main() -> int:
    started = time.time()
    workdir = Path(env("BENCH_WORKDIR", "") or tempfile.mkdtemp(prefix="classroom-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    base_env = base_environment(workdir)
    results = {"machine": machine.describe(), "config": machine.config()}
    log(f"work folder {workdir}; collecting static files")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=base_env,
        check=True,
    )
    results["databases"] = {}
    for engine in env("BENCH_DATABASES", "sqlite,postgres").split(","):
        results["databases"][engine] = run_engine(engine.strip(), workdir, base_env)
    results["machine"]["load_average_end"] = os.getloadavg()
    results["machine"]["speed_probe_ms_end"] = machine.speed_probe()
    results["seconds"] = round(time.time() - started)
    output = Path(env("BENCH_OUTPUT", str(BASE_DIR / "bench" / "results.json")))
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(machine.table(results))
    log(f"wrote {output} in {results['seconds']} s")
    if env("BENCH_KEEP", "") != "1":
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
