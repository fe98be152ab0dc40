"""The measurements that send HTTP to gunicorn: P2 (classroom mix), P3 (deadline rush),
P4 (autosave against a bare view), P5 (school against one class), P6 (bytes over the wire).

Every request goes to 127.0.0.1, with a pre-made session cookie (no login form) and a CSRF
cookie + header of our own choosing, as the workspace script sends them.
"""

import asyncio
import json
import os
import random
import re
import secrets
import time
from urllib.parse import urlencode

from bench.loadgen import Connection, Pool, Recorder, percentile, run_schedule, summary, timed

HOST = "127.0.0.1"
P95_TARGET_MS = 200.0


class Person:
    """One browser: a session cookie, a CSRF token, and what it is working on."""

    def __init__(self, plan: dict, session_key: str):
        cookies = plan["cookies"]
        self.csrf = secrets.token_hex(16)  # 32 characters, the length of Django's CSRF secret
        self.cookie = f"{cookies['session']}={session_key}; {cookies['csrf']}={self.csrf}"

    def get_headers(self) -> dict:
        return {"Cookie": self.cookie, "Accept": "text/html"}

    def json_headers(self) -> dict:
        return {
            "Cookie": self.cookie,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": self.csrf,
        }

    def form_headers(self) -> dict:
        return {
            "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "text/html",
        }


def _url(plan, name, pk) -> str:
    return plan["urls"][name].replace("/0/", f"/{pk}/")


TYPED = (
    "China supports North Korea because it wants a buffer zone between itself and South Korea. "
    "The article says the alliance began during the Korean War in the 1950s, and sanctions "
    "limit what North Korea can buy and sell, so it depends on China for most of its trade. "
)


# --- P2: the classroom mix ------------------------------------------------------------------


class Writer(Person):
    def __init__(self, plan, item, index):
        super().__init__(plan, item["s"])
        self.autosave = _url(plan, "autosave", item["a"])
        self.workspace = _url(plan, "workspace", item["a"])
        self.dashboard = plan["urls"]["dashboard"]
        self.prompt, self.revision = item["p"], item["r"]
        self.words = 0
        self.busy = False
        self.index = index

    def next_text(self) -> str:
        self.words += 1
        return f"{TYPED}Word {self.words}."


def _autosave_event(writer: Writer):
    async def action(pool, recorder, at, start):
        if writer.busy:
            # The script never sends two saves of one box at once: the earlier one is late.
            recorder.add("autosave", at, None, False, 0, "previous save still in flight")
            return
        writer.busy = True
        body = json.dumps(
            {"prompt": writer.prompt, "text": writer.next_text(), "revision": writer.revision}
        ).encode()

        def check(reply):
            if reply.status != 200:
                return False
            writer.revision = json.loads(reply.body)["revision"]
            return True

        try:
            await timed(
                "autosave",
                recorder,
                at,
                start,
                lambda: pool.request("POST", writer.autosave, writer.json_headers(), body),
                check,
            )
        finally:
            writer.busy = False

    return action


def _page_event(writer: Writer, path: str, kind: str):
    async def action(pool, recorder, at, start):
        await timed(
            kind,
            recorder,
            at,
            start,
            lambda: pool.request("GET", path, writer.get_headers()),
            lambda reply: reply.status == 200,
        )

    return action


def classroom_mix_events(writers, duration, *, autosave_every=10.0, page_every=60.0, seed=1):
    """Each writer autosaves every ``autosave_every`` seconds (phases spread evenly) and opens
    a page (its workspace or its dashboard, half and half) once every ``page_every`` seconds at
    a random phase. Sorted (time, action) pairs."""
    rng = random.Random(seed)  # noqa: S311 — load shape, not a secret
    events = []
    count = len(writers)
    for index, writer in enumerate(writers):
        at = autosave_every * index / count
        while at < duration:
            events.append((at, _autosave_event(writer)))
            at += autosave_every
        at = rng.uniform(0, page_every)
        while at < duration:
            if rng.random() < 0.5:
                events.append((at, _page_event(writer, writer.workspace, "workspace")))
            else:
                events.append((at, _page_event(writer, writer.dashboard, "dashboard")))
            at += page_every
    events.sort(key=lambda event: event[0])
    return events


async def classroom_mix(
    port, plan, steps, *, duration, warmup, connections, cpu_probe=None, pause=3.0
):
    """P2: ramp through ``steps`` (numbers of students), stopping after the first step that
    misses p95 <= 200 ms or has an error. Returns each step's figures and the best passing N.

    ``cpu_probe()`` returns the CPU seconds used so far by the app server and the database
    server: with the generator's own, they give the CPU each request costs, and so how many
    students two otherwise idle cores could serve at this mix (an upper bound: CPU only)."""
    people = [Writer(plan, item, i) for i, item in enumerate(plan["p2"])]
    results, best = [], 0
    for count in steps:
        if count > len(people):
            results.append({"students": count, "skipped": f"only {len(people):,} students"})
            break
        recorder = Recorder()
        pool = Pool(HOST, port, connections)
        events = classroom_mix_events(people[:count], duration, seed=count)
        cpu_before = _cpu_times()
        probe_before = cpu_probe() if cpu_probe else {}
        elapsed = await run_schedule(events, pool, recorder, deadline=duration)
        cpu = _cpu_share(cpu_before, _cpu_times(), elapsed)
        if cpu_probe:
            sent = sum(1 for sample in recorder.samples if sample.latency is not None)
            cpu.update(_cost(probe_before, cpu_probe(), cpu, sent, count))
        pool.close()
        measured = [s for s in recorder.samples if s.at >= warmup]
        figures = summary(measured)
        ok = figures["all"]["errors"] == 0 and figures["all"]["p95_ms"] <= P95_TARGET_MS
        offered = sum(1 for at, _ in events if warmup <= at < duration) / (duration - warmup)
        results.append(
            {
                "students": count,
                "offered_rps": round(offered, 1),
                "figures": figures,
                "pass": ok,
                "elapsed_s": round(elapsed, 1),
                "cpu": cpu,
            }
        )
        if not ok:
            break
        best = count
        await asyncio.sleep(pause)
    return {"best": best, "steps": results}


def _cpu_times():
    """(busy, total) jiffies of the whole machine, and this process's own CPU seconds."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values), time.process_time()


def _cost(before, after, cpu, requests, students):
    """CPU milliseconds per request of app, database and generator, and the students that
    would use up two whole cores at that cost."""
    # A backend or worker that ended during the step takes its time with it: never below 0.
    spent = {key: max(after[key] - before[key], 0.0) for key in after}
    spent["generator"] = cpu.pop("_generator_s")
    per_request = {
        f"{key}_cpu_ms_per_request": round(1000 * v / max(requests, 1), 2)
        for key, v in spent.items()
    }
    total = sum(spent.values())
    elapsed = cpu.pop("_elapsed_s")
    cores = os.cpu_count() or 1
    return {
        **per_request,
        "cpu_bound_students_estimate": round(students * cores * elapsed / total) if total else None,
    }


def _cpu_share(before, after, elapsed):
    """How busy both cores were during a step, and the load generator's own share of that."""
    busy, total = after[0] - before[0], after[1] - before[1]
    generator = after[2] - before[2]
    return {
        "machine_busy_pct": round(100 * busy / total, 1) if total else None,
        "generator_core_pct": round(100 * generator / elapsed, 1) if elapsed else None,
        "_generator_s": generator,
        "_elapsed_s": elapsed,
    }


# --- P3: the deadline rush ------------------------------------------------------------------

FINAL_WORDS = " Final sentence, typed at the bell: café, naïve, 東京, שלום, 🎓\nThe end."


async def deadline_rush(port, plan, *, count, seconds, connections):
    """P3: ``count`` turn-ins spread evenly over ``seconds``. Each posts the workspace form as a
    browser would: every answer box, the last answer with a final sentence the autosave has not
    stored yet. Returns the figures and what was sent (for the database check)."""
    items = plan["p3"][:count]
    recorder, sent = Recorder(), []
    pool = Pool(HOST, port, connections)
    events = []
    for index, item in enumerate(items):
        person = Person(plan, item["s"])
        answers = [[prompt, text] for prompt, text, _ in item["answers"]]
        last = max(i for i, (_, text) in enumerate(answers) if text)
        answers[last][1] += FINAL_WORDS
        form = {"csrfmiddlewaretoken": person.csrf}
        for (prompt, text), (_, _, revision) in zip(answers, item["answers"], strict=True):
            form[f"answer-{prompt}"] = text
            form[f"revision-{prompt}"] = str(revision)
        body = urlencode(form).encode()
        path = _url(plan, "turn_in", item["a"])
        workspace = _url(plan, "workspace", item["a"])
        record = {"s": item["s"], "a": item["a"], "answers": answers}

        def make(path=path, person=person, body=body, workspace=workspace, record=record):
            async def action(pool, recorder, at, start):
                def check(reply):
                    ok = reply.status == 302 and reply.headers.get("location", "").endswith(
                        workspace
                    )
                    if ok:
                        sent.append(record)
                    return ok

                await timed(
                    "turn-in",
                    recorder,
                    at,
                    start,
                    lambda: pool.request("POST", path, person.form_headers(), body),
                    check,
                )

            return action

        events.append((seconds * index / len(items), make()))
    started = time.perf_counter()
    await run_schedule(events, pool, recorder, deadline=seconds + 1)
    elapsed = time.perf_counter() - started
    pool.close()
    figures = summary(recorder.samples)
    return {"requested": len(items), "elapsed_s": round(elapsed, 1), "figures": figures}, sent


# --- P4: autosave against a bare view --------------------------------------------------------


async def autosave_vs_bare(port, plan, *, requests, warmup=20, cpu_probe=None):
    """P4: one connection, one request at a time, autosave and the bare update alternating, so
    both meet the same machine at the same moments. ``cpu_probe()`` (CPU seconds of the server
    and database so far), read between requests, adds the CPU each kind costs on average: a
    figure other processes on the machine disturb far less than the time on the clock."""
    item = plan["p4"]
    person = Person(plan, item["s"])
    autosave_path = _url(plan, "autosave", item["a"])
    bare_path = _url(plan, "bare", item["bare"])
    connection = Connection(HOST, port)
    revision, times = item["r"], {"autosave": [], "bare": []}
    cpu = {"autosave": 0.0, "bare": 0.0}

    def probe():
        return cpu_probe() if cpu_probe else 0.0

    for n in range(warmup + requests):
        text = f"{TYPED}Word {n}."
        body = json.dumps({"prompt": item["p"], "text": text, "revision": revision}).encode()
        before = probe()
        started = time.perf_counter()
        reply = await connection.request("POST", autosave_path, person.json_headers(), body)
        autosave = time.perf_counter() - started
        autosave_cpu = probe() - before
        if reply.status == 409 and n < warmup:
            # Saved elsewhere since the plan was made (a rerun on kept databases): continue
            # from the stored revision, as the workspace script does after "Keep mine".
            revision = json.loads(reply.body)["revision"]
            continue
        if reply.status != 200:
            raise RuntimeError(f"autosave answered {reply.status}: {reply.body[:200]!r}")
        revision = json.loads(reply.body)["revision"]
        body = json.dumps({"text": text}).encode()
        before = probe()
        started = time.perf_counter()
        reply = await connection.request("POST", bare_path, person.json_headers(), body)
        bare = time.perf_counter() - started
        bare_cpu = probe() - before
        if reply.status != 200 or json.loads(reply.body)["updated"] != 1:
            raise RuntimeError(f"bare view answered {reply.status}: {reply.body[:200]!r}")
        if n >= warmup:
            times["autosave"].append(autosave * 1000)
            times["bare"].append(bare * 1000)
            # A worker replaced mid-run takes its CPU time with it: skip that one reading.
            cpu["autosave"] += max(autosave_cpu, 0.0)
            cpu["bare"] += max(bare_cpu, 0.0)
    connection.close()
    out = {}
    for kind, values in times.items():
        out[kind] = {
            "p50_ms": round(percentile(values, 50), 2),
            "mean_ms": round(sum(values) / len(values), 2),
            "p95_ms": round(percentile(values, 95), 2),
        }
    out["ratio_p50"] = round(out["autosave"]["p50_ms"] / out["bare"]["p50_ms"], 2)
    out["ratio_mean"] = round(out["autosave"]["mean_ms"] / out["bare"]["mean_ms"], 2)
    out["requests_each"] = requests
    if cpu_probe and cpu["bare"]:
        out["autosave"]["cpu_ms"] = round(1000 * cpu["autosave"] / requests, 2)
        out["bare"]["cpu_ms"] = round(1000 * cpu["bare"] / requests, 2)
        out["ratio_cpu"] = round(cpu["autosave"] / cpu["bare"], 2)
    return out


# --- P5: school against one class -----------------------------------------------------------


async def growth(school_port, one_port, school_pages, one_pages, cookies, *, requests, warmup=5):
    """P5: each key page on the school database and on the one-class database, one request at
    a time, alternating between the two servers; ratio of the medians."""
    plan = {"cookies": cookies}
    out = {}
    for name, (school_key, school_path) in school_pages.items():
        one_key, one_path = one_pages[name]
        sides = [
            ("school", Connection(HOST, school_port), Person(plan, school_key), school_path),
            ("one", Connection(HOST, one_port), Person(plan, one_key), one_path),
        ]
        times = {"school": [], "one": []}
        for n in range(warmup + requests):
            for side, connection, person, path in sides:
                started = time.perf_counter()
                reply = await connection.request("GET", path, person.get_headers())
                elapsed = (time.perf_counter() - started) * 1000
                if reply.status != 200:
                    raise RuntimeError(f"P5 {name} ({side}) answered {reply.status}")
                if n >= warmup:
                    times[side].append(elapsed)
        for _, connection, _, _ in sides:
            connection.close()
        school, one = percentile(times["school"], 50), percentile(times["one"], 50)
        out[name] = {
            "school_p50_ms": round(school, 2),
            "one_class_p50_ms": round(one, 2),
            "ratio": round(school / one, 2),
        }
    return out


# --- P6: bytes over the wire ----------------------------------------------------------------

ASSET = re.compile(
    r"<(?:link[^>]*\bhref|script[^>]*\bsrc)=\"(/static/[^\"]+)\"", re.IGNORECASE | re.DOTALL
)


async def page_weight(port, plan, *, encodings="br, gzip"):
    """P6: the student workspace and every asset it loads (stylesheets, scripts, icon), fetched
    with Accept-Encoding as a browser sends it; bytes as they cross the wire (bodies; headers
    counted apart)."""
    session_key, path = plan["p6"]
    person = Person(plan, session_key)
    connection = Connection(HOST, port)
    headers = {**person.get_headers(), "Accept-Encoding": encodings}
    page = await connection.request("GET", path, headers)
    if page.status != 200:
        raise RuntimeError(f"workspace answered {page.status}")
    files = [
        {
            "path": path,
            "bytes": len(page.body),
            "encoding": page.headers.get("content-encoding", "identity"),
        }
    ]
    header_bytes = 0
    for asset in dict.fromkeys(ASSET.findall(page.body.decode())):
        reply = await connection.request("GET", asset, {"Accept-Encoding": encodings})
        if reply.status != 200:
            raise RuntimeError(f"{asset} answered {reply.status}")
        files.append(
            {
                "path": asset,
                "bytes": len(reply.body),
                "encoding": reply.headers.get("content-encoding", "identity"),
                "cache": reply.headers.get("cache-control", ""),
            }
        )
        header_bytes += sum(len(k) + len(v) + 4 for k, v in reply.headers.items())
    connection.close()
    import gzip

    total = sum(f["bytes"] for f in files)
    return {
        "accept_encoding": encodings,
        "files": files,
        "total_bytes": total,
        "total_kb": round(total / 1024, 1),
        "asset_header_bytes": header_bytes,
        # The page itself is not compressed by the app (only static files are); a proxy that
        # gzips HTML would send this many bytes for it instead.
        "html_gzip_bytes": len(gzip.compress(page.body, 6)),
    }
