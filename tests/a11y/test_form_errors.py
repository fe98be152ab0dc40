"""Forms sent back with errors say so to a screen reader: each invalid field is marked
aria-invalid and described by its error message (itself or through its fieldset), and errors
about the whole form are alerts. axe does not check this: a message next to a field looks right
but is never read with it unless it is tied to it.

The pages are the crawl's forms posted with errors (crawl.post_pages), for every role.
"""

from collections import defaultdict
from html.parser import HTMLParser

import pytest

from tests.a11y import crawl

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
CONTROLS = {"input", "textarea", "select"}


class FormPage(HTMLParser):
    """The invalid controls of a page (with the ids that describe them), the text of every
    element with an id, and the role of every danger alert."""

    def __init__(self, html):
        super().__init__()
        self.open = []  # (tag, attrs) of the elements the parser is inside
        self.text = defaultdict(str)
        self.invalid = []  # (name, aria-invalid, [describing ids])
        self.alert_roles = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in CONTROLS and ("is-invalid" in classes or attrs.get("aria-invalid") == "true"):
            described = (attrs.get("aria-describedby") or "").split()
            for open_tag, open_attrs in self.open:
                if open_tag == "fieldset":  # a radio group is described as a whole
                    described += (open_attrs.get("aria-describedby") or "").split()
            name = attrs.get("id") or attrs.get("name")
            self.invalid.append((name, attrs.get("aria-invalid"), described))
        if "alert-danger" in classes:
            self.alert_roles.append(attrs.get("role"))
        if tag not in VOID:
            self.open.append((tag, attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for _, attrs in self.open:
            if attrs.get("id"):
                self.text[attrs["id"]] += data


def problems(page: FormPage) -> list[str]:
    found = []
    for name, aria_invalid, described in page.invalid:
        if aria_invalid != "true":
            found.append(f"{name} looks invalid but has no aria-invalid=true")
        messages = [page.text[id].strip() for id in described if "error" in id]
        if not any(messages):
            found.append(f"{name} is not described by its error message (aria-describedby)")
    found += [
        f"a danger alert has role={role!r}, not alert"
        for role in page.alert_roles
        if role != "alert"
    ]
    return found


@pytest.mark.parametrize(
    "role", [role for role in crawl.ROLES if role not in ("student-turned-in", "student-returned")]
)
def test_errors_are_tied_to_their_fields(role, demo):
    client = crawl.client_for(role)
    report = []
    for post in crawl.post_pages(role):
        page = FormPage(client.post(post.url, post.data).content.decode())
        assert page.invalid or page.alert_roles, f"{post.name}: the page shows no error"
        report += [f"{post.name}: {problem}" for problem in problems(page)]
    assert not report, "\n".join(report)


def test_it_finds_an_error_that_is_not_tied_to_its_field():
    page = FormPage(
        '<div class="alert alert-danger">Wrong.</div>'
        '<input class="form-control is-invalid" id="id_name">'
        '<div class="invalid-feedback" id="id_name_error">Required.</div>'
    )
    assert problems(page) == [
        "id_name looks invalid but has no aria-invalid=true",
        "id_name is not described by its error message (aria-describedby)",
        "a danger alert has role=None, not alert",
    ]
