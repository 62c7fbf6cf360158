"""Delegations (P4.1): name a deputy for a date range, see those given and received,
revoke; system administrators see and manage all."""

import re

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.accounts.services import delegation_create
from orderflow.testing.factories import make_user

from .test_review_web import MONDAY_9, admin_fixture, error_for, frozen_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
MONDAY, FRIDAY = MONDAY_9.date(), MONDAY_9.date().replace(day=8)


@pytest.fixture(name="deputy")
def deputy_fixture(db):
    return make_user(Dept.SALES, Role.STAFF, username="deputy", full_name="钱七")


def table(html: str, testid: str) -> list[tuple[str, str]]:
    """(delegation id, state) rows of one table."""
    start = html.index(f'data-testid="{testid}"')
    body = html[start:html.index("</table>", start)]
    return re.findall(r'data-delegation="(\d+)" data-state="(\w+)"', body)


def test_name_a_deputy_and_both_see_it(frozen, client_as, sales_head, deputy):
    response = client_as(sales_head).post("/delegations/new/", {
        "deputy_id": str(deputy.pk), "starts_on": "2030-03-04", "ends_on": "2030-03-08",
        "reason": "出差"})

    assert response.status_code == 302
    made = Delegation.objects.get()
    assert (made.principal, made.deputy, made.starts_on, made.ends_on, made.reason) == (
        sales_head, deputy, MONDAY, FRIDAY, "出差")
    given = client_as(sales_head).get("/delegations/").content.decode()
    received = client_as(deputy).get("/delegations/").content.decode()
    assert table(given, "given") == [(str(made.pk), "active")]
    assert table(received, "received") == [(str(made.pk), "active")]
    assert 'data-testid="all"' not in given   # only administrators see every delegation


def test_bad_dates_are_shown_next_to_the_inputs(frozen, client_as, sales_head, deputy):
    response = client_as(sales_head).post("/delegations/new/", {
        "deputy_id": "", "starts_on": "2030-03-08", "ends_on": "2030-03-04", "reason": ""})

    html = response.content.decode()
    assert response.status_code == 422
    assert error_for(html, "deputy_id") == "This field is required."
    assert error_for(html, "ends_on") == "The last day cannot be before the first day."
    assert 'value="2030-03-08"' in html
    assert not Delegation.objects.exists()


def test_revoke_own_but_not_someone_elses(frozen, client_as, sales_head, deputy):
    mine = delegation_create(actor=sales_head, deputy_id=deputy.pk, starts_on=MONDAY,
                             ends_on=FRIDAY)
    other = make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead")
    theirs = delegation_create(actor=other, deputy_id=deputy.pk, starts_on=MONDAY,
                               ends_on=FRIDAY)
    client = client_as(sales_head)

    refused = client.post(f"/delegations/{theirs.pk}/revoke/")
    revoked = client.post(f"/delegations/{mine.pk}/revoke/")

    assert refused.status_code == 403
    assert revoked.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    html = client.get("/delegations/").content.decode()
    assert table(html, "given") == [(str(mine.pk), "revoked")]


def test_admin_sees_all_and_names_a_deputy_for_someone(frozen, client_as, admin, sales_head,
                                                        deputy):
    delegation_create(actor=sales_head, deputy_id=deputy.pk, starts_on=MONDAY, ends_on=MONDAY)
    client = client_as(admin)

    response = client.post("/delegations/new/", {
        "principal_id": str(deputy.pk), "deputy_id": str(sales_head.pk),
        "starts_on": "2030-03-05", "ends_on": "2030-03-06", "reason": "休假"})

    assert response.status_code == 302
    made = Delegation.objects.get(principal=deputy)
    assert (made.deputy, made.created_by) == (sales_head, admin)
    html = client.get("/delegations/").content.decode()
    assert [state for _id, state in table(html, "all")] == ["upcoming", "active"]
