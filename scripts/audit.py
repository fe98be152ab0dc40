"""Lighthouse on the student workspace and the teacher's progress page, logged in, offline.

Usage:
    python scripts/audit.py      # `make audit` runs it (after `npm ci`)

Makes a temporary SQLite database, migrates, runs `manage.py load_demo`, logs a student (with a
draft) and the teacher in (sessions made directly in the database), serves the app with
`runserver` on a free local port and runs Lighthouse (npm, pinned in package.json) with Debian's
Chromium against both pages, passing the session cookie in a Cookie header. Reports go to
audit-reports/ (git-ignored), the scores to docs/audit.md.

Fails (exit 1) unless accessibility is 100 and best practices at least 95 on both pages, or if a
page loaded anything from another address than the local server.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "audit-reports"
SUMMARY = ROOT / "docs" / "audit.md"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CATEGORIES = ["accessibility", "best-practices", "performance", "seo"]
REQUIRED = {"accessibility": 100, "best-practices": 95}

# The database must be chosen before Django is set up; every step below uses this one.
TMP = tempfile.TemporaryDirectory(prefix="audit-")
os.environ["SQLITE_PATH"] = str(Path(TMP.name) / "audit.sqlite3")
os.environ["DEBUG"] = "true"  # load_demo only runs with DEBUG on (it publishes its passwords)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")  # not every login and request
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "classroom.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from classroom.models import Assignment, User  # noqa: E402


def session_cookie(username: str) -> str:
    """A Cookie header for a new session of ``username`` (no password needed)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def pages() -> list[tuple[str, str, str]]:
    """(name, path, username) of the pages to audit."""
    assignment = Assignment.objects.get(classroom__teacher__username="teacher")
    return [
        ("student-workspace", reverse("classroom:workspace", args=[assignment.pk]), "student2"),
        (
            "teacher-progress",
            reverse("classroom:assignment-detail", args=[assignment.pk]),
            "teacher",
        ),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"The server stopped (exit {server.returncode}); see {TMP.name}/server.log"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — our own local server
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url} within {seconds} s.")


def lighthouse(url: str, cookie: str, name: str, attempts: int = 3) -> dict:
    """Run Lighthouse on ``url``; returns its result (the report's JSON). Tried again when
    Lighthouse itself fails: on a busy machine it now and then loses the page-load trace
    (NO_NAVSTART), which says nothing about the page."""
    output = REPORTS / name
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
        "--no-enable-error-reporting",
        "--quiet",
    ]
    for attempt in range(1, attempts + 1):
        run = subprocess.run(  # noqa: S603 — fixed arguments
            command, env=os.environ | {"CHROME_PATH": CHROME_PATH}, check=False, timeout=300
        )
        if run.returncode == 0:
            result = json.loads((REPORTS / f"{name}.report.json").read_text())
            if "runtimeError" not in result:
                return result
        print(f"  Lighthouse failed (exit {run.returncode}, attempt {attempt} of {attempts})")
    raise SystemExit(f"Lighthouse failed {attempts} times on {url}.")


def scores(result: dict) -> dict[str, int]:
    return {key: round(result["categories"][key]["score"] * 100) for key in CATEGORIES}


def outside_requests(result: dict, base: str) -> list[str]:
    """Every request the page made to anywhere but the local server."""
    items = result["audits"]["network-requests"]["details"]["items"]
    return [item["url"] for item in items if not item["url"].startswith((base, "data:"))]


def not_passed(result: dict, category: str) -> list[str]:
    """The titles of the scored audits in ``category`` that did not fully pass."""
    failing = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            failing.append(f"{audit['title']} ({ref['id']})")
    return failing


def write_summary(results: list[tuple[str, str, dict]]) -> None:
    first = results[0][2]
    lines = [
        "# Lighthouse audit",
        "",
        "Written by `make audit` (scripts/audit.py): Lighthouse on a throwaway server with the demo",
        "data (`manage.py load_demo`, DEBUG on, `runserver`), logged in (a session cookie in a",
        "Cookie header). It fails unless accessibility is 100 and best practices at least 95, or if",
        "a page requested anything but the local server. It needs no network at all: it also",
        "completes inside `unshare -n` with only the loopback interface up.",
        "",
        f"- Date: {date.today().isoformat()}",
        f"- Lighthouse {first['lighthouseVersion']}, {first['environment']['hostUserAgent']}",
        f"- Emulated device: {first['configSettings']['formFactor']} "
        f"({first['configSettings']['screenEmulation']['width']} px wide, "
        f"throttling: {first['configSettings']['throttlingMethod']})",
        "",
        "| Page | Who | Accessibility | Best practices | Performance | SEO |",
        "|---|---|---|---|---|---|",
    ]
    for name, who, result in results:
        got = scores(result)
        lines.append(
            f"| {name} | {who} | {got['accessibility']} | {got['best-practices']} | "
            f"{got['performance']} | {got['seo']} |"
        )
    lines += ["", "## Audits not fully passed", ""]
    for name, _, result in results:
        for category in CATEGORIES:
            for title in not_passed(result, category):
                lines.append(f"- {name}, {category}: {title}")
    if lines[-1] == "":
        lines.append("None.")
    SUMMARY.write_text("\n".join(lines) + "\n")


def main() -> int:
    if not LIGHTHOUSE.exists():
        raise SystemExit("No Lighthouse: run `npm ci --ignore-scripts` (or `make audit`).")
    REPORTS.mkdir(exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    audited = [(name, path, username, session_cookie(username)) for name, path, username in pages()]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(Path(TMP.name) / "server.log", "w") as log:
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base + reverse("healthz"), server)
            results = []
            for name, path, username, cookie in audited:
                print(f"Lighthouse: {name} ({path}, as {username})", flush=True)
                results.append((name, username, lighthouse(base + path, cookie, name)))
        finally:
            server.terminate()
            server.wait(timeout=10)

    write_summary(results)
    failures = []
    for name, _, result in results:
        got = scores(result)
        print(f"{name}: " + ", ".join(f"{key} {value}" for key, value in got.items()))
        failures += [
            f"{name}: {key} is {got[key]}, must be at least {least}"
            for key, least in REQUIRED.items()
            if got[key] < least
        ]
        failures += [f"{name} loaded {url}" for url in outside_requests(result, base)]
        if result.get("runWarnings"):
            print(f"  warnings: {result['runWarnings']}")
    print(f"Reports in {REPORTS.relative_to(ROOT)}/, scores in {SUMMARY.relative_to(ROOT)}.")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
