from django.urls import reverse

URL = reverse("accounts:logout")


def test_it_logs_out_on_post(client, student):
    client.force_login(student)
    response = client.post(URL)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_does_not_log_out_on_get(client, student):
    client.force_login(student)
    response = client.get(URL)
    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_the_navigation_offers_a_logout_button(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("accounts:password-change"))
    assert f'action="{URL}"'.encode() in response.content
