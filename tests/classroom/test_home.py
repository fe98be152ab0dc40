from django.urls import reverse

URL = reverse("home")


def test_it_sends_visitors_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_it_sends_teachers_to_their_dashboard(client, teacher):
    client.force_login(teacher)
    assert client.get(URL).url == reverse("classroom:teacher-dashboard")


def test_it_sends_students_to_their_work(client, student):
    client.force_login(student)
    assert client.get(URL).url == reverse("classroom:student-dashboard")


def test_it_sends_admins_to_the_admin(client, admin):
    admin.role = ""
    admin.save()
    client.force_login(admin)
    assert client.get(URL).url == reverse("admin:index")
