from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("accounts:password-change")


def test_it_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_changes_the_password(client, student):
    client.force_login(student)
    response = client.post(
        URL,
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("another-long-passphrase")


def test_it_refuses_a_wrong_old_password(client, student):
    client.force_login(student)
    response = client.post(
        URL,
        {
            "old_password": "wrong",
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    student.refresh_from_db()
    assert student.check_password(PASSWORD)
