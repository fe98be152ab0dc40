"""What the numbers were measured on, and the table that shows them."""

import datetime
import os
import platform
import runpy
import sqlite3
import subprocess
import time
from importlib import metadata

from bench.server import BASE_DIR

TARGETS = {
    "p1": 12,
    "p2": 3000,
    "p4": 1.7,
    "p5": 1.2,
    "p6_kb": 150,
}


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return ""


def _git(*args) -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607 — git from PATH, as a developer runs it
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def describe() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in _read("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.system(),
    )
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "HEAD"),
        # The benchmark's own output files do not make the code measured differ from the commit.
        "git_dirty": bool(
            _git(
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":!bench/results.json",
                ":!bench/instructions.json",
            )
        ),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "load_average_start": os.getloadavg(),
        "speed_probe_ms_start": speed_probe(),
    }


def speed_probe() -> float:
    """Milliseconds of CPU a fixed piece of Python (dict and str work, like a request's) takes
    here, the best of five. Virtual machines of one kind differ from run to run, and one machine
    from one hour to the next: the same code measured 50 ms and 90 ms on one of ours within a
    minute. Runs compare fairly only at similar probes."""

    def work():
        table = {}
        for i in range(200_000):
            table[str(i)] = i * 2
        return sum(len(key) for key in table)

    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)


def config() -> dict:
    """The server configuration the run used: gunicorn.conf.py's own values (its defaults,
    or what the environment sets), read by running it as gunicorn does."""
    gunicorn = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    return {
        "gunicorn_workers": gunicorn["workers"],
        "gunicorn_threads": gunicorn["threads"],
        "gunicorn_worker_class": gunicorn["worker_class"],
        "load_generator": "one asyncio process, keep-alive HTTP/1.1 on loopback, "
        "sharing the machine's cores with gunicorn and the database",
        **{
            key.lower(): value
            for key, value in os.environ.items()
            if (key.startswith("BENCH_") or key.startswith("GUNICORN_"))
            and key not in ("BENCH_SECRET_KEY", "BENCH_REDIS_URL")
        },
    }


def _mark(ok) -> str:
    return "pass" if ok else "FAIL"


def _cells(db: dict) -> dict:
    """Each metric's figure and pass/fail for one database."""
    if not db.get("available"):
        return {}
    cells = {}
    seed = db["seed"]
    cells["seed"] = (
        f"{seed['seconds']:.0f} s ({seed['responses']:,} answers)",
        None,
    )
    counts = db["p1"]["counts"]
    worst = max(max(sizes.values()) for sizes in counts.values())
    equal = all(len(set(sizes.values())) == 1 for sizes in counts.values())
    cells["p1"] = (
        f"max {worst}, {'equal' if equal else 'NOT equal'} at {'/'.join(map(str, db['p1']['sizes']))}",
        equal and worst <= TARGETS["p1"],
    )
    p2 = db["p2"]
    last = p2["steps"][-1] if p2["steps"] else {}
    text = f"{p2['best']:,}"
    if last.get("skipped"):
        text += f" (at {last['students']:,}: {last['skipped']})"
    elif last.get("pass"):
        # No step failed: the ramp ended before the server did.
        text += ", the ramp's last step (none failed)"
    elif last:
        failed = last["figures"]["all"]
        text += (
            f" (at {last['students']:,}: p95 {failed['p95_ms']:.0f} ms, {failed['errors']} errors)"
        )
    estimate = last.get("cpu", {}).get("cpu_bound_students_estimate")
    if estimate:
        text += f"; CPU bound ≈ {estimate:,}"
    cells["p2"] = (text, p2["best"] >= TARGETS["p2"])
    p3 = db["p3"]
    figures = p3["figures"]["all"]
    verified = p3["verified"]
    damaged = {problem.split(" ")[1] for problem in verified["problems"]}
    intact = verified["checked"] - len(damaged)
    ok3 = (
        figures["errors"] == 0
        and not verified["problems"]
        and verified["checked"] == p3["requested"]
    )
    cells["p3"] = (
        f"{figures['errors']} errors, {intact:,} of {verified['checked']:,} turned in intact, "
        f"p95 {figures['p95_ms']:.0f} ms",
        ok3,
    )
    p4 = db["p4"]
    cells["p4"] = (
        f"{p4['ratio_p50']:.2f} p50 ({p4['autosave']['p50_ms']:.1f}/{p4['bare']['p50_ms']:.1f} ms), "
        f"{p4['ratio_mean']:.2f} mean"
        + (f", {p4['ratio_cpu']:.2f} CPU" if "ratio_cpu" in p4 else ""),
        p4["ratio_p50"] <= TARGETS["p4"],
    )
    worst_page, worst5 = max(db["p5"].items(), key=lambda item: item[1]["ratio"])
    cells["p5"] = (f"max {worst5['ratio']:.2f} ({worst_page})", worst5["ratio"] <= TARGETS["p5"])
    p6 = db["p6"]
    encodings = sorted({f["encoding"] for f in p6["files"][1:]})
    cells["p6"] = (
        f"{p6['total_kb']:.0f} KB ({'/'.join(encodings)})",
        p6["total_kb"] <= TARGETS["p6_kb"],
    )
    return cells


ROWS = [
    ("seed", "Seed school scale", "fast, bulk"),
    ("p1", "P1 queries per page", "≤ 12, equal"),
    ("p2", "P2 students, p95 ≤ 200 ms", "≥ 3,000"),
    ("p3", "P3 1,000 turn-ins in 10 s", "0 errors, intact"),
    ("p4", "P4 autosave / bare", "≤ 1.7"),
    ("p5", "P5 school / one class", "≤ 1.2"),
    ("p6", "P6 workspace bytes", "≤ 150 KB"),
]


def table(results: dict) -> str:
    engines = list(results["databases"])
    cells = {engine: _cells(results["databases"][engine]) for engine in engines}
    header = [
        "Metric",
        "Target",
        *[e.replace("sqlite", "SQLite").replace("postgres", "PostgreSQL") for e in engines],
        "Result",
    ]
    rows = []
    for key, label, target in ROWS:
        figures, verdicts = [], []
        for engine in engines:
            figure, ok = cells[engine].get(key, ("not available", None))
            figures.append(figure)
            if ok is not None:
                verdicts.append(ok)
        verdict = "—" if not verdicts else _mark(all(verdicts))
        rows.append([label, target, *figures, verdict])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [
        "",
        " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        line,
    ]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    m = results["machine"]
    out += [
        "",
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB, {m['os']}, Python {m['python']}, "
        f"commit {m['git_commit'][:10]}{' (dirty)' if m['git_dirty'] else ''}, {m['date']}",
        f"load average at start {m['load_average_start'][0]:.2f}, at the end "
        f"{m['load_average_end'][0]:.2f}; the load generator shares the cores with gunicorn "
        "and the database.",
        f"speed probe (bench/machine.py, lower is faster): {m['speed_probe_ms_start']} ms at the "
        f"start, {m['speed_probe_ms_end']} ms at the end.",
    ]
    # Only the load before the run says whether others were busy: the end includes our own.
    if m["load_average_start"][0] > 1.5:
        out.append(
            "WARNING: other processes were using the CPU when this run started (load average "
            "above 1.5): latency figures are pessimistic. Run again on an idle machine."
        )
    return "\n".join(out)
