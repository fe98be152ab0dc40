"""What the accessibility checks visit, shared by the axe test (a browser) and the HTML validity
test (Django's test client).

Every role starts from its home page and follows same-origin links (GET only), so a new page is
checked as soon as something links to it, without anyone listing it. A few pages that only a POST
shows (a form with errors, a failed save) are added per role, and the error pages.
"""

import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from classroom.models import Assignment, Response, Submission, User
from lessons.models import Lesson

# Role → demo username (``manage.py load_demo``); None is a visitor who is not logged in.
ROLES = {
    "anonymous": None,
    "student-draft": "student2",  # Ben: a draft with two answers
    "student-turned-in": "student1",  # Aisha: work turned in
    "student-returned": "student3",  # Chloe: work returned with feedback
    "teacher": "teacher",
    "admin": "admin",  # staff without a role: lands in the Django admin
}

# Pages per role and width at most; the demo's largest crawl (the admin's) is about 40 pages.
PAGE_CAP = 60
# Pages of one route at most (the seventh prompt's review page is built like the fifth's). Five
# keeps every student of the demo class on the review page: one in each state of work.
ROUTE_CAP = 5

# Never followed: logging out ends the crawl's session; deleting (admin confirmation pages);
# downloads (CSV and JSON exports); static files.
SKIP = re.compile(
    r"/logout/|delete|\.csv$|\.json$|^/static/|^/admin/jsi18n/|^/admin/r/",
)


def page_key(url: str, *, admin_by_kind: bool = False) -> str:
    """Two links lead to "the same page" when they share a path and the names of their query
    parameters (``?subject=`` with any value is one page). In the Django admin, object ids and
    query strings are dropped too: one list, add and change form per model is enough (they all
    come from the same upstream templates), and one history page in all. ``admin_by_kind``
    goes further: one admin page of each kind (one list, one add form, one change form...)."""
    parts = urlsplit(url)
    if parts.path.startswith("/admin/"):
        if parts.path.endswith("/history/"):
            return "/admin/<history>/"  # a list of changes, the same for every model
        if admin_by_kind:
            segments = parts.path.strip("/").split("/")[1:]
            return "/admin/" + "".join(
                f"{segment if segment in ADMIN_KINDS else '*'}/" for segment in segments
            )
        return re.sub(r"/\d+/", "/<id>/", parts.path)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return parts.path + ("?" + "&".join(names) if names else "")


ADMIN_KINDS = {"add", "change", "password", "password_change"}


def is_admin(url: str) -> bool:
    return urlsplit(url).path.startswith("/admin/")


@dataclass
class Visit:
    url: str  # the path and query the page was finally served at (after redirects)
    status: int
    html: str = field(repr=False, default="")


def crawl(
    fetch: Callable[[str], tuple[Visit, list[str]] | None],
    start: str,
    *,
    host: str = "testserver",
    admin_by_kind: bool = False,
) -> Iterator[Visit]:
    """Breadth-first from ``start``. ``fetch(path)`` loads a page and returns the visit and the
    hrefs on it (absolute or relative), or None when the answer is not an HTML page. Each visit
    is yielded while it is still loaded, so a browser caller can check the live page. Links to
    any other ``host`` than the site's own are not followed."""
    key = partial(page_key, admin_by_kind=admin_by_kind)
    queue = deque([start])
    queued = {key(start)}
    checked = set()
    per_route = Counter()
    while queue and len(checked) < PAGE_CAP:
        path = queue.popleft()
        route = route_of(path)
        if per_route[route] >= ROUTE_CAP:
            continue
        per_route[route] += 1
        fetched = fetch(path)
        if fetched is None:
            continue
        visit, hrefs = fetched
        # A redirect (the home page sends everyone on) can land on a page already checked.
        if key(visit.url) in checked:
            continue
        checked.add(key(visit.url))
        queued.add(key(visit.url))
        yield visit
        for href in hrefs:
            link = same_origin_path(urljoin(visit.url, href), host)
            if link is None or SKIP.search(urlsplit(link).path):
                continue
            if key(link) not in queued:
                queued.add(key(link))
                queue.append(link)


def route_of(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return path


def same_origin_path(url: str, host: str) -> str | None:
    """The path and query of a link to this site (without its #fragment), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https"):
        return None  # mailto:, tel:, javascript:
    if parts.netloc and parts.netloc != host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LinkParser(HTMLParser):
    """The href of every <a> in a page, for the test-client crawl."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def hrefs_in(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    return parser.hrefs


# --- Pages reached only by a POST, and the error pages ------------------------------------------


@dataclass
class PostPage:
    """A form posted with bad input: the page that answers shows the errors."""

    name: str
    url: str
    data: dict


def client_for(role: str) -> Client:
    """A test client logged in as ``role`` (the demo's user), or not logged in."""
    client = Client()
    username = ROLES[role]
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def demo_objects():
    assignment = Assignment.objects.select_related("classroom").get(
        classroom__teacher__username="teacher"
    )
    return assignment, list(assignment.prompts.all())


def post_pages(role: str) -> list[PostPage]:
    """Forms with errors, per role. None of these posts may change anything: each is refused."""
    if role == "anonymous":
        return [
            PostPage(
                "log-in with a wrong password",
                reverse("accounts:login"),
                {"username": "teacher", "password": "wrong"},
            ),
            PostPage(
                "teacher sign-up, empty",
                reverse("accounts:signup-teacher"),
                {"first_name": "", "username": ""},  # a browser sends the empty fields
            ),
            PostPage(
                "student sign-up with a wrong code",
                reverse("accounts:signup-student"),
                {"join_code": "NOPE-NOPE"},
            ),
        ]
    assignment, prompts = demo_objects()
    if role == "student-draft":
        student = User.objects.get(username=ROLES[role])
        saved = Response.objects.get(
            submission__student=student, submission__assignment=assignment, prompt=prompts[0]
        )
        return [
            PostPage(
                "join a class, wrong code", reverse("classroom:class-join"), {"join_code": "X"}
            ),
            PostPage(
                "workspace after a failed save (a conflict and an answer too long)",
                reverse("classroom:workspace", args=[assignment.pk]),
                {
                    # Based on an older revision than the one saved: a conflict, both shown.
                    f"answer-{prompts[0].pk}": saved.text + " (from another tab)",
                    f"revision-{prompts[0].pk}": str(saved.revision - 1),
                    f"answer-{prompts[2].pk}": "x" * (settings.ANSWER_MAX_CHARS + 1),
                    f"revision-{prompts[2].pk}": "0",
                },
            ),
        ]
    if role == "teacher":
        returned = Submission.objects.get(assignment=assignment, student__username="student1")
        response = returned.responses.first()
        return [
            PostPage("new class, empty", reverse("classroom:class-create"), {}),
            PostPage(
                "rename a class to nothing",
                reverse("classroom:class-edit", args=[assignment.classroom_id]),
                {"name": ""},
            ),
            PostPage(
                "assign a lesson, empty",
                reverse("classroom:assignment-create", args=[assignment.classroom_id]),
                {},
            ),
            PostPage(
                "feedback with too many points",
                reverse("classroom:submission-review", args=[assignment.pk, returned.student_id]),
                {f"points_{response.pk}": "999", f"comment_{response.pk}": "Kept."},
            ),
        ]
    if role == "admin":
        lesson = Lesson.objects.first()
        return [
            PostPage("admin: add a lesson, empty", reverse("admin:lessons_lesson_add"), {}),
            PostPage(
                "admin: lesson with a blank title",
                reverse("admin:lessons_lesson_change", args=[lesson.pk]),
                {"title": ""},
            ),
        ]
    return []


def error_pages(role: str) -> list[str]:
    """Error pages each role can meet: not found for everyone, forbidden for a student."""
    pages = ["/no-such-page/"]
    if role.startswith("student"):
        pages.append(reverse("classroom:teacher-dashboard"))
    return pages
