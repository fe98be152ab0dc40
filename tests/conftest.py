"""The fixed cast every test can use, as in healthchecks' BaseTestCase.

``teacher`` teaches ``classroom``, in which ``student`` is enrolled and ``assignment`` is set.
``other_teacher`` teaches ``other_classroom``, in which ``other_student`` is enrolled.
"""

import pytest

from classroom.models import User
from tests import factories
from tests.browser.support import RequestsInFlight


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Hashing with PBKDF2 would make the suite several times slower and tests nothing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _live_server_serving():
    # A browser test's end makes the shared live server refuse requests until the next test
    # (tests/browser/support.py, RequestsInFlight); every test starts with it serving.
    RequestsInFlight.serve_all()


@pytest.fixture
def teacher(db):
    return factories.TeacherFactory(username="teacher", first_name="Tess", last_name="Teacher")


@pytest.fixture
def other_teacher(db):
    return factories.TeacherFactory(username="otherteacher", first_name="Omar", last_name="Other")


@pytest.fixture
def student(db):
    return factories.StudentFactory(username="student", first_name="Sam", last_name="Student")


@pytest.fixture
def other_student(db):
    return factories.StudentFactory(
        username="otherstudent", first_name="Olive", last_name="Outsider"
    )


@pytest.fixture
def admin(db):
    return User.objects.create_superuser(
        username="admin", password=factories.PASSWORD, first_name="Ada", last_name="Admin"
    )


@pytest.fixture
def lesson(db):
    return factories.full_lesson(title="Who is North Korea’s only ally?", slug="north-korea")


@pytest.fixture
def classroom(teacher, student):
    classroom = factories.ClassroomFactory(teacher=teacher, name="Period 1 World History")
    factories.enroll(classroom, student)
    return classroom


@pytest.fixture
def other_classroom(other_teacher, other_student):
    classroom = factories.ClassroomFactory(teacher=other_teacher, name="Period 5 Civics")
    factories.enroll(classroom, other_student)
    return classroom


@pytest.fixture
def assignment(classroom, lesson):
    return factories.make_assignment(classroom, lesson)


@pytest.fixture
def other_assignment(other_classroom, lesson):
    return factories.make_assignment(other_classroom, lesson)
