"""Screenshots of the key pages, as a teacher, a student and an admin see them.

Usage: python scripts/screenshots.py [BASE_URL] [OUT_DIR]
Needs the demo data (`manage.py load_demo`) and Debian's Chromium at /usr/bin/chromium.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}


def login(page, username, password):
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def shoot(page, name, size):
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=True)


def first_href(page, pattern):
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.search(pattern, href):
            return BASE + href
    raise LookupError(pattern)


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for size, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(f"{BASE}/accounts/login/")
            shoot(page, "login", size)

            login(page, "teacher", "teacher-demo-pass")
            shoot(page, "teacher-dashboard", size)
            class_url = first_href(page, r"^/classes/\d+/$")
            page.goto(f"{BASE}/lessons/")
            shoot(page, "lesson-library", size)
            lesson = first_href(page, r"^/lessons/[\w-]+/$")
            page.goto(lesson)
            shoot(page, "lesson-preview", size)
            page.goto(lesson + "plan/")
            shoot(page, "lesson-plan", size)
            page.goto(class_url)
            shoot(page, "class", size)
            assignment = first_href(page, r"^/assignments/\d+/$")
            page.goto(class_url + "assign/")
            shoot(page, "assign", size)
            page.goto(assignment)
            shoot(page, "progress", size)
            page.goto(first_href(page, r"^/assignments/\d+/students/\d+/$"))
            shoot(page, "review-student", size)
            page.goto(assignment)
            page.goto(first_href(page, r"^/assignments/\d+/prompts/\d+/$"))
            shoot(page, "review-prompt", size)
            context.clear_cookies()

            for username, name in [
                ("student2", "workspace-draft"),
                ("student3", "workspace-returned"),
                ("student1", "workspace-turned-in"),
            ]:
                login(page, username, "student-demo-pass")
                if username == "student2":
                    shoot(page, "student-dashboard", size)
                page.goto(first_href(page, r"^/work/\d+/$"))
                shoot(page, name, size)
                context.clear_cookies()
            page.goto(f"{BASE}/accounts/signup/student/")
            shoot(page, "signup-student", size)
            login(page, "admin", "admin-demo-pass")
            page.goto(f"{BASE}/admin/lessons/lesson/1/change/")
            shoot(page, "admin-lesson", size)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
