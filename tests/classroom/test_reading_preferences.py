import json
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from classroom.models import User
from tests.test_fuzz_forms import FUZZ, assert_handled, post, text

URL = reverse("classroom:reading-preferences")


def workspace_url(assignment):
    return reverse("classroom:workspace", args=[assignment.pk])


def post_json(client, data):
    return client.post(URL, data, HTTP_ACCEPT="application/json")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_sends_visitors_to_the_login_page(client):
    response = client.post(URL, {"text_size": "150", "line_spacing": "loose"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_get_changes_nothing(client, student):
    client.force_login(student)
    response = client.get(URL, {"text_size": "150", "line_spacing": "loose"})
    assert response.status_code == 405
    student.refresh_from_db()
    assert (student.text_size, student.line_spacing) == (100, "standard")


def test_a_student_saves_their_settings_and_goes_back_to_the_page(client, student, assignment):
    client.force_login(student)

    response = client.post(
        URL,
        {"text_size": "130", "line_spacing": "loose", "next": workspace_url(assignment)},
    )

    assert response.status_code == 302
    assert response.url == workspace_url(assignment)
    student.refresh_from_db()
    assert student.text_size == User.TextSize.LARGER
    assert student.line_spacing == User.LineSpacing.LOOSE
    assert messages_of(response) == [
        "Reading settings saved: text size Larger, line spacing Loose."
    ]


def test_the_workspace_applies_and_shows_the_saved_settings(client, student, assignment):
    client.force_login(student)
    client.post(URL, {"text_size": "150", "line_spacing": "relaxed"})

    content = client.get(workspace_url(assignment)).content.decode()

    assert re.search(
        r'<div class="row g-4 workspace reading-prefs text-size-150 line-spacing-relaxed" '
        r"data-reading-prefs>",
        content,
    )
    assert re.search(r'name="text_size" value="150"[^>]*checked', content)
    assert re.search(r'name="line_spacing" value="relaxed"[^>]*checked', content)
    assert not re.search(r'name="text_size" value="100"[^>]*checked', content)


def test_the_workspace_has_a_labelled_settings_form_that_posts_here(client, student, assignment):
    client.force_login(student)

    content = client.get(workspace_url(assignment)).content.decode()

    assert f'<form method="post" action="{URL}" data-reading-settings-form' in content
    assert "<summary" in content and "Reading settings" in content
    assert "Text size" in content and "Line spacing" in content
    for label in ["Standard", "Large", "Larger", "Largest", "Relaxed", "Loose"]:
        assert re.search(
            rf'<label for="id_[a-z_]+_\d" class="form-check-label">\s*{label}\s*<', content
        )
    assert f'<input type="hidden" name="next" value="{workspace_url(assignment)}">' in content
    assert "Save reading settings" in content  # works without JavaScript
    assert re.search(r'<script src="[^"]*js/reading-tools\.js" defer></script>', content)


def test_the_script_gets_json_and_no_message_for_later(client, student):
    client.force_login(student)

    response = post_json(client, {"text_size": "115", "line_spacing": "relaxed"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "text_size": 115,
        "line_spacing": "relaxed",
        "message": "Reading settings saved: text size Large, line spacing Relaxed.",
    }
    student.refresh_from_db()
    assert (student.text_size, student.line_spacing) == (115, "relaxed")
    assert messages_of(response) == []


@pytest.mark.parametrize(
    "data",
    [
        {"text_size": "500", "line_spacing": "loose"},
        {"text_size": "130", "line_spacing": "sideways"},
        {"text_size": "", "line_spacing": ""},
        {},
    ],
)
def test_a_value_not_on_the_list_changes_nothing(client, student, assignment, data):
    student.text_size, student.line_spacing = 115, "relaxed"
    student.save()
    client.force_login(student)

    response = client.post(URL, {**data, "next": workspace_url(assignment)})

    assert response.status_code == 302
    assert response.url == workspace_url(assignment)
    student.refresh_from_db()
    assert (student.text_size, student.line_spacing) == (115, "relaxed")
    assert messages_of(response) == [
        "Reading settings not saved: choose a text size and a line spacing from the lists."
    ]


def test_the_script_gets_a_400_with_the_reason(client, student):
    client.force_login(student)

    response = post_json(client, {"text_size": "999", "line_spacing": "loose"})

    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith("Reading settings not saved")
    assert "text_size" in body["errors"]
    student.refresh_from_db()
    assert student.text_size == 100


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "0",
        "",
    ],
)
def test_it_never_redirects_off_the_site(client, student, target):
    client.force_login(student)

    response = client.post(URL, {"text_size": "130", "line_spacing": "loose", "next": target})

    assert response.status_code == 302
    assert response.url == reverse("home")
    student.refresh_from_db()
    assert student.text_size == 130


@pytest.mark.parametrize("role", ["teacher", "admin"])
def test_teachers_and_admins_set_their_own(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.post(URL, {"text_size": "150", "line_spacing": "loose"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.text_size, user.line_spacing) == (150, "loose")


def test_it_changes_only_the_signed_in_persons_settings(client, student, other_student):
    client.force_login(student)

    client.post(
        URL,
        {
            "text_size": "150",
            "line_spacing": "loose",
            # Nothing posted can point the form at another account or change anything else.
            "pk": other_student.pk,
            "id": other_student.pk,
            "user": other_student.pk,
            "username": "renamed",
            "role": "teacher",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    student.refresh_from_db()
    other_student.refresh_from_db()
    assert (student.text_size, student.line_spacing) == (150, "loose")
    assert (student.username, student.role, student.is_staff, student.is_superuser) == (
        "student",
        "student",
        False,
        False,
    )
    assert (other_student.text_size, other_student.line_spacing) == (100, "standard")


def test_it_saves_only_the_two_settings(client, student):
    # A whole-row save would put back a name changed since the request loaded the user.
    client.force_login(student)
    User.objects.filter(pk=student.pk).update(first_name="Changed meanwhile")

    client.post(URL, {"text_size": "115", "line_spacing": "standard"})

    student.refresh_from_db()
    assert (student.first_name, student.text_size) == ("Changed meanwhile", 115)


def test_a_post_without_the_csrf_token_is_refused(student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(URL, json.dumps({"text_size": 150}), content_type="application/json")

    assert response.status_code == 403
    student.refresh_from_db()
    assert student.text_size == 100


def test_the_lesson_preview_applies_the_teachers_own_settings(client, teacher, lesson):
    teacher.text_size, teacher.line_spacing = 130, "loose"
    teacher.save()
    client.force_login(teacher)

    content = client.get(reverse("classroom:lesson-detail", args=[lesson.slug])).content.decode()

    assert (
        '<div class="reading-prefs text-size-130 line-spacing-loose" data-reading-prefs>' in content
    )
    assert f'action="{URL}" data-reading-settings-form' in content


@FUZZ
@given(size=text, spacing=text, next_url=text, as_json=st.booleans())
def test_whatever_is_posted_it_never_crashes_or_stores_a_value_off_the_list(
    student, size, spacing, next_url, as_json
):
    data = {"text_size": size, "line_spacing": spacing, "next": next_url}
    kwargs = {"HTTP_ACCEPT": "application/json"} if as_json else {}

    response = post(student, URL, data, **kwargs)

    assert_handled(response, data)
    student.refresh_from_db()
    assert student.text_size in User.TextSize.values
    assert student.line_spacing in User.LineSpacing.values
    if response.status_code == 302:
        assert response.url.startswith("/") and not response.url.startswith("//")


def test_the_workspace_shows_new_settings_after_showing_the_old_ones(client, student, assignment):
    """The settings form's fields are kept per setting, so a change shows at once."""
    client.force_login(student)
    before = client.get(workspace_url(assignment)).content.decode()
    assert re.search(r'name="text_size" value="100"[^>]*checked', before)

    client.post(URL, {"text_size": "130", "line_spacing": "loose"})
    after = client.get(workspace_url(assignment)).content.decode()

    assert re.search(r'name="text_size" value="130"[^>]*checked', after)
    assert re.search(r'name="line_spacing" value="loose"[^>]*checked', after)
    assert not re.search(r'name="text_size" value="100"[^>]*checked', after)
