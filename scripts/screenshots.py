"""Screenshots of the key pages, as a teacher, a student and an admin see them, on a laptop
(1280 px wide) and a phone (360 px), into docs/screenshots/.

Usage:
    python scripts/screenshots.py                 # a throwaway server with the demo data
    python scripts/screenshots.py --base-url URL  # an already running server with the demo data

Without --base-url it makes a temporary SQLite database (SQLITE_PATH), migrates, runs
`manage.py load_demo`, serves it with `runserver` on a free local port, takes the screenshots
and stops the server. Needs Debian's Chromium at /usr/bin/chromium and Playwright
(requirements-dev.txt); pngquant, when installed, makes the files about a third the size.
`make screenshots` runs it.
"""

import argparse
import datetime
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "classroom.settings")

import django  # noqa: E402

django.setup()

from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from classroom.management.commands import load_demo  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
# Long pages are cut at this many screen heights: the top shows the layout, and the whole page
# would be a very tall, very large image (a phone's reading is about ten screens).
MAX_SCREENS = {"desktop": 6, "phone": 3}


class Shooter:
    def __init__(self, browser, base, out):
        self.browser = browser
        self.base = base.rstrip("/")
        self.out = out
        self.taken = []

    def url(self, path):
        return self.base + path

    def session(self, size):
        context = self.browser.new_context(viewport=VIEWPORTS[size], base_url=self.base)
        context.set_default_timeout(15_000)
        return context, context.new_page()

    def login(self, page, username, password):
        page.goto(reverse("accounts:login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()

    def shoot(self, page, name, size, screens=None):
        page.wait_for_load_state("networkidle")
        path = self.out / f"{name}-{size}.png"
        options = {"path": str(path), "full_page": True, "animations": "disabled", "caret": "hide"}
        viewport = VIEWPORTS[size]
        limit = viewport["height"] * (screens or MAX_SCREENS[size])
        if page.evaluate("document.documentElement.scrollHeight") > limit:
            options["clip"] = {"x": 0, "y": 0, "width": viewport["width"], "height": limit}
        page.screenshot(**options)
        compress(path)
        self.taken.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def first_href(self, page, pattern, scope="main"):
        for href in page.eval_on_selector_all(
            f"{scope} a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            if re.search(pattern, href):
                return href
        raise LookupError(f"No link matching {pattern} on {page.url}")

    def teacher_pages(self, size):
        context, page = self.session(size)
        page.goto(reverse("accounts:login"))
        self.shoot(page, "login", size)
        self.login(page, "teacher", load_demo.TEACHER_PASSWORD)
        page.goto(reverse("classroom:teacher-dashboard"))
        self.shoot(page, "teacher-dashboard", size)
        class_url = self.first_href(page, r"^/classes/\d+/$")
        page.goto(reverse("classroom:lesson-list"))
        self.shoot(page, "lesson-library", size)
        page.goto(reverse("classroom:lesson-detail", args=[load_demo.LESSON_SLUG]))
        self.shoot(page, "lesson-preview", size)
        page.goto(reverse("classroom:lesson-plan", args=[load_demo.LESSON_SLUG]))
        self.shoot(page, "lesson-plan", size)
        page.goto(class_url)
        self.shoot(page, "class", size)
        assignment_url = self.first_href(page, r"^/assignments/\d+/$")
        page.goto(
            self.first_href(page, r"^/classes/\d+/assign/$") + f"?lesson={load_demo.LESSON_SLUG}"
        )
        page.fill("#id_instructions", "Answer in full sentences and quote the article.")
        page.fill(
            "#id_due_at",
            (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT15:00"),
        )
        page.locator("#id_instructions").focus()
        self.shoot(page, "assign", size)
        page.goto(assignment_url)
        self.shoot(page, "progress", size)
        # Chloe's returned work has answers, comments and scores to show.
        review = page.get_by_role("row").filter(has_text="Nguyen").get_by_role("link").first
        page.goto(review.get_attribute("href"))
        self.shoot(page, "review-student", size)
        page.goto(assignment_url)
        page.goto(self.first_href(page, r"^/assignments/\d+/prompts/\d+/$"))
        self.shoot(page, "review-prompt", size)
        context.close()

    def student_pages(self, size):
        for username, name in [
            ("student2", "workspace-draft"),
            ("student3", "workspace-returned"),
            ("student1", "workspace-turned-in"),
        ]:
            context, page = self.session(size)
            self.login(page, username, load_demo.STUDENT_PASSWORD)
            page.goto(reverse("classroom:student-dashboard"))
            if username == "student2":
                self.shoot(page, "student-dashboard", size)
            page.goto(self.first_href(page, r"^/work/\d+/$"))
            self.shoot(page, name, size)
            context.close()

    def other_pages(self, size):
        context, page = self.session(size)
        page.goto(reverse("accounts:signup"))
        self.shoot(page, "signup", size)
        page.goto(reverse("accounts:signup-student"))
        self.shoot(page, "signup-student", size)
        self.login(page, "admin", load_demo.ADMIN_PASSWORD)
        page.goto(reverse("admin:lessons_lesson_changelist"))
        page.goto(self.first_href(page, r"^/admin/lessons/lesson/\d+/change/$", scope="body"))
        self.shoot(page, "admin-lesson", size, screens=2)
        context.close()


def compress(path):
    """Quantise to a 256-colour palette when pngquant is installed (about a third of the size,
    and screenshots of a web page lose nothing visible); otherwise keep Chromium's PNG."""
    pngquant = shutil.which("pngquant")
    if pngquant:
        # Exit 98/99: the result would be larger or worse; the original stays.
        subprocess.run(  # noqa: S603
            [
                pngquant,
                "--quality=80-100",
                "--speed=1",
                "--strip",
                "--skip-if-larger",
                "--force",
                "--output",
                str(path),
                str(path),
            ],
            check=False,
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit {server.returncode}); see its log above.")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — our own local server
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url} within {seconds} s.")


def manage(*args, env):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)  # noqa: S603


def throwaway_server(tmp):
    """Start runserver on a temporary database with the demo data; returns (base URL, process)."""
    env = os.environ | {"SQLITE_PATH": str(Path(tmp) / "screenshots.sqlite3"), "DEBUG": "true"}
    env.pop("DATABASE_URL", None)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_demo", env=env)
    port = free_port()
    log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115 — closed when the server stops
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + reverse("healthz"), server)
    except BaseException:
        server.terminate()
        server.wait(10)
        print((Path(tmp) / "server.log").read_text(), file=sys.stderr)
        raise
    return base, server


def shoot_all(base, out):
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shooter = Shooter(browser, base, out)
        for size in VIEWPORTS:
            print(f"{size} ({VIEWPORTS[size]['width']} px):")
            shooter.teacher_pages(size)
            shooter.student_pages(size)
            shooter.other_pages(size)
        browser.close()
    total = sum(path.stat().st_size for path in shooter.taken)
    print(f"{len(shooter.taken)} screenshots, {total / 1e6:.1f} MB, in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), type=Path)
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"No Chromium at {CHROMIUM} — apt-get install chromium")
    if args.base_url:
        shoot_all(args.base_url, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        base, server = throwaway_server(tmp)
        try:
            shoot_all(base, args.out)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
