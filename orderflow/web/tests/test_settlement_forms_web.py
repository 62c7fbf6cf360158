"""The settlement page's summary and forms (P7.2.2, P7.2.3): no outstanding 0.00 before
Finance's audit, dispute forms that keep what the user typed after a refusal, and the
receipt form with visible labels."""

import re

import pytest

from orderflow.core import clock
from orderflow.settlement.models import Instalment
from orderflow.settlement.services import dispute_open
from orderflow.testing.settlement import audited, executed_order, in_settlement, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def statement(salesperson, customer, products, sales_head):
    order = executed_order(salesperson, customer, products, sales_head)
    return in_settlement(order, salesperson)


def _dispute_block(page: str, dispute) -> str:
    return re.search(rf'data-dispute="{dispute.pk}".*?</details>', page, re.S).group(0)


def _form(block: str, action: str) -> str:
    return re.search(rf'action="/disputes/\d+/{action}/".*?</form>', block, re.S).group(0)


@pytest.mark.parametrize("in_audit", [False, True])
def test_before_the_audit_the_page_shows_what_the_audit_makes_due(
        client_as, statement, salesperson, finance, in_audit):
    if in_audit:
        submitted(statement, salesperson)
    page = client_as(finance["staff"]).get(
        f"/orders/{statement.order_id}/settlement/").content.decode()
    assert 'data-testid="schedule-pending"' in page
    assert re.search(r'data-testid="sum-to-collect">[^<]*4,520\.00', page)
    assert 'data-testid="sum-outstanding"' not in page


def test_after_the_audit_the_page_shows_the_outstanding_amount(
        client_as, statement, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    page = client_as(finance["staff"]).get(
        f"/orders/{statement.order_id}/settlement/").content.decode()
    assert re.search(r'data-testid="sum-outstanding">[^<]*4,520\.00', page)
    assert 'data-testid="schedule-pending"' not in page


@pytest.fixture
def dispute(statement, salesperson):
    return dispute_open(order_id=statement.order_id, actor=salesperson, reason="客户拖欠尾款",
                        disputed_amount="100")


def test_a_refused_close_keeps_the_chosen_outcome(client_as, salesperson, dispute):
    answer = client_as(salesperson).post(f"/disputes/{dispute.pk}/close/",
                                         {"resolution": "", "outcome": "closed"})
    assert answer.status_code == 422
    close = _form(_dispute_block(answer.content.decode(), dispute), "close")
    assert '<option value="closed" selected>' in close
    assert '<option value="resolved" selected>' not in close


def test_a_refused_escalation_keeps_the_case_number_and_lawyer(client_as, salesperson,
                                                               dispute):
    answer = client_as(salesperson).post(f"/disputes/{dispute.pk}/escalate/", {
        "legal_status": "", "case_number": "(2024)沪0115民初123号", "lawyer": "赵律师"})
    assert answer.status_code == 422
    escalate = _form(_dispute_block(answer.content.decode(), dispute), "escalate")
    assert 'name="case_number" value="(2024)沪0115民初123号"' in escalate
    assert 'name="lawyer" value="赵律师"' in escalate


def test_a_refused_entry_keeps_the_channel(client_as, salesperson, dispute):
    answer = client_as(salesperson).post(f"/disputes/{dispute.pk}/entries/", {
        "happened_on": clock.today().isoformat(), "channel": "visit", "summary": ""})
    assert answer.status_code == 422
    entry = _form(_dispute_block(answer.content.decode(), dispute), "entries")
    assert '<option value="visit" selected>' in entry


def test_the_receipt_form_labels_its_fields(client_as, statement, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    first = Instalment.objects.filter(statement=statement).order_by("position").first()
    page = client_as(finance["staff"]).get(
        f"/orders/{statement.order_id}/settlement/").content.decode()
    form = re.search(rf'action="/instalments/{first.pk}/receipts/".*?</form>', page,
                     re.S).group(0)
    for name, label in (("received_on", "Received on"), ("amount", "Amount"),
                        ("method", "Payment method"), ("bank_reference", "Bank reference")):
        field_id = re.search(rf'name="{name}" id="([^"]+)"', form).group(1)
        assert re.search(rf'<label[^>]*for="{field_id}"[^>]*>{label}</label>', form), name


def test_before_the_audit_what_is_to_collect_leaves_out_the_advances(
        client_as, statement, finance):
    """The audit applies the advances received to the schedule (P7.1.1): a deposit of
    1,356.00 on a 4,520.00 statement leaves 3,164.00 to collect, not the whole total."""
    from orderflow.settlement.services import advance_record

    advance_record(order_id=statement.order_id, actor=finance["staff"], amount="1356.00",
                   received_on=clock.today(), method="bank_transfer")
    page = client_as(finance["staff"]).get(
        f"/orders/{statement.order_id}/settlement/").content.decode()
    assert re.search(r'data-testid="sum-to-collect">[^<]*3,164\.00', page)
