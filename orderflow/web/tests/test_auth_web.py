"""Login, lockout after repeated failures (django-axes), logout, password change."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.7")


def test_login_page_and_successful_login(client):
    make_user(Dept.SALES, Role.STAFF, username="zhang")
    assert client.get("/login/").status_code == 200
    response = login(client, "zhang", "pass12345!")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    make_user(Dept.SALES, Role.STAFF, username="li")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "li", "wrong-password")
    response = login(client, "li", "pass12345!")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "locked" in response.content.decode().lower() or "锁定" in response.content.decode()


def test_pages_need_login_and_logout_ends_the_session(client):
    user = make_user(Dept.SALES, Role.STAFF, username="wang")
    client.force_login(user)
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_password_change(client):
    user = make_user(Dept.SALES, Role.STAFF, username="zhao")
    client.force_login(user)
    response = client.post("/password/change/", {
        "old_password": "pass12345!", "new_password1": "Xk2!orderflow-new",
        "new_password2": "Xk2!orderflow-new"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xk2!orderflow-new")


def test_session_times_out_after_idle_hours_and_activity_keeps_it(client):
    # Given a salesperson who logged in at 08:00
    make_user(Dept.SALES, Role.STAFF, username="qian")
    start = dt.datetime(2026, 3, 10, 0, 0, tzinfo=dt.UTC)
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False):
        login(client, "qian", "pass12345!")
    # When they work again just before the idle limit, the session is still theirs
    with time_machine.travel(start + idle - dt.timedelta(minutes=5), tick=False):
        assert client.get("/orders/").status_code == 200
    # ... and that activity restarted the clock
    with time_machine.travel(start + 2 * idle - dt.timedelta(minutes=10), tick=False):
        assert client.get("/orders/").status_code == 200
    # Then after a full idle period without a request, they must log in again
    with time_machine.travel(start + 3 * idle, tick=False):
        response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
