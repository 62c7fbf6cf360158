"""Late payment and disputes (P7.2.3): open, negotiation log, legal action, resolution;
an open dispute does not block settlement once everything is collected."""

from decimal import Decimal as D

import pytest

from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.notifications.models import Notification
from orderflow.orders.models import Order
from orderflow.settlement.models import Dispute, Instalment
from orderflow.settlement.services import (
    dispute_close,
    dispute_escalate,
    dispute_log,
    dispute_open,
    invoice_issue,
    receipt_record,
)
from orderflow.testing.settlement import audited

from ..support import snapshot

pytestmark = pytest.mark.django_db


def test_dispute_negotiation_legal_and_resolution(statement, executed, salesperson, finance):
    dispute = dispute_open(order_id=executed.pk, actor=salesperson,
                           reason="客户以质量问题为由拒付尾款", disputed_amount="3164.00")
    assert (dispute.status, dispute.disputed_amount) == ("open", D("3164.00"))
    assert Notification.objects.filter(kind="settlement.dispute",
                                       recipient=finance["head"]).exists()
    dispute_log(dispute_id=dispute.pk, actor=salesperson, happened_on=clock.today(),
                channel="visit", summary="上门协商", outcome="客户同意分期")
    dispute_escalate(dispute_id=dispute.pk, actor=salesperson, legal_status="已起诉",
                     case_number="(2030)沪0115民初123号", lawyer="周律师")
    dispute = dispute_escalate(dispute_id=dispute.pk, actor=salesperson,
                               legal_status="一审判决胜诉")
    assert (dispute.status, dispute.legal_status, dispute.case_number) == (
        "legal", "一审判决胜诉", "")
    closed = dispute_close(dispute_id=dispute.pk, actor=salesperson,
                           resolution="法院调解，客户全额付款", outcome="resolved")
    assert (closed.status, closed.entries.count()) == ("resolved", 1)
    before = snapshot(executed)
    with pytest.raises(TransitionNotAllowed):
        dispute_log(dispute_id=dispute.pk, actor=salesperson, happened_on=clock.today(),
                    channel="phone", summary="再次联系")
    assert snapshot(executed) == before


def test_open_dispute_does_not_block_settlement(statement, executed, salesperson, finance):
    dispute_open(order_id=executed.pk, actor=salesperson, reason="付款延迟",
                 disputed_amount="3164.00")
    audited(statement, salesperson, finance["staff"])
    invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=clock.today(), net_amount="4000.00",
                  tax_amount="520.00")
    for instalment in Instalment.objects.filter(statement=statement):
        receipt_record(instalment_id=instalment.pk, actor=finance["staff"],
                       received_on=clock.today(), amount=str(instalment.amount),
                       method="bank_transfer")
    assert Order.objects.get(pk=executed.pk).status == "settled"
    assert Dispute.objects.get(order=executed).status == "open"
