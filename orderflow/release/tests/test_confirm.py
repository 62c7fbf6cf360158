"""P4.2.2: the customer confirms receipt; Sales emails them the date and the progress."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.release.domain.packages import render_template, unknown_placeholders
from orderflow.release.models import (
    CompanyProfile,
    CustomerConfirmation,
    CustomerEmailTemplate,
    WorkPackage,
)
from orderflow.release.services import customer_confirmation_record, email_template_update
from orderflow.release.tests.test_release import released_order
from orderflow.testing.factories import ContactFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def contact(customer):
    return ContactFactory(customer=customer, name="王经理", email="wang@customer.example")


@pytest.fixture
def order(salesperson, sales_head, customer, products, contact):
    CompanyProfile.objects.filter(pk=1).update(name="上海示例机械有限公司")
    order = released_order(salesperson, customer, products, sales_head,
                           contact_id=contact.pk, delivery_date=dt.date(2027, 1, 24))
    packages = list(WorkPackage.objects.filter(order=order).order_by("id"))
    WorkPackage.objects.filter(pk__in=[p.pk for p in packages[:2]]).update(status="done")
    WorkPackage.objects.filter(pk__in=[p.pk for p in packages[2:5]]).update(
        status="in_progress")
    return order


def test_record_the_confirmation_and_email_the_customer(
        order, salesperson, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirmation = customer_confirmation_record(
            order_id=order.pk, actor=salesperson, channel="phone", contact_name="王经理",
            note="客户已收到订单")

    assert (confirmation.revision, confirmation.channel, confirmation.contact_name,
            confirmation.note, confirmation.recorded_by_id, confirmation.email_to) == (
        1, "phone", "王经理", "客户已收到订单", salesperson.pk, "wang@customer.example")
    assert confirmation.email_subject == (
        f"订单 {order.number} 已下达生产 — 预计交货日期 2027年1月24日")
    assert "当前进度：6 个部门中 2 个已完成，3 个进行中，1 个待开始" in confirmation.email_body
    assert f"贵司订单 {order.number}（{customer.name}）" in confirmation.email_body
    assert "联系您的销售代表 张伟" in confirmation.email_body
    assert confirmation.email_body.rstrip().endswith("上海示例机械有限公司")
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["wang@customer.example"], confirmation.email_subject, confirmation.email_body)]
    event = AuditEvent.objects.get(action="release.customer_confirmed")
    assert (event.object_id, event.data) == (str(order.pk), {
        "confirmation": confirmation.pk, "channel": "phone", "contact_name": "王经理",
        "email_to": "wang@customer.example"})


def test_the_mail_waits_for_the_commit(order, salesperson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer_confirmation_record(order_id=order.pk, actor=salesperson, channel="email")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_without_email(order, salesperson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirmation = customer_confirmation_record(order_id=order.pk, actor=salesperson,
                                                    channel="visit", send_email=False)
    assert (confirmation.email_to, confirmation.email_subject, confirmation.email_body) == (
        "", "", "")
    assert callbacks == [] and mail.outbox == []


def test_bad_input_is_refused_field_by_field(order, salesperson, contact):
    contact.email = ""
    contact.save()
    with pytest.raises(ValidationFailed) as caught:
        customer_confirmation_record(order_id=order.pk, actor=salesperson, channel="pigeon",
                                     contact_name="x" * 65)
    assert set(caught.value.errors) == {"channel", "contact_name", "send_email"}
    assert caught.value.errors["channel"] == ["Select a valid choice."]
    assert not CustomerConfirmation.objects.exists()
    assert not AuditEvent.objects.filter(action="release.customer_confirmed").exists()


def test_only_the_sales_owner_records(order):
    # another salesperson does not even see the order; Production sees it but may not
    other = make_user(Dept.SALES, Role.STAFF, username="other")
    production = make_user(Dept.PRODUCTION, Role.STAFF, username="prod")
    with pytest.raises(NotFound):
        customer_confirmation_record(order_id=order.pk, actor=other, channel="phone")
    with pytest.raises(NotPermitted):
        customer_confirmation_record(order_id=order.pk, actor=production, channel="phone")
    assert not CustomerConfirmation.objects.exists()


@pytest.mark.parametrize("status", [State.APPROVED, State.EXECUTED])
def test_only_while_released_or_in_execution(order, salesperson, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(TransitionNotAllowed):
        customer_confirmation_record(order_id=order.pk, actor=salesperson, channel="phone")
    assert not CustomerConfirmation.objects.exists()


# -- the template ---------------------------------------------------------------------

@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin")


def test_placeholders_are_checked():
    assert unknown_placeholders("{order_number} {progress}") == []
    assert unknown_placeholders("{price} {order_number} {price} {customer.name}") == [
        "price", "customer.name"]
    assert unknown_placeholders("{progress!r} {delivery_date:>10}") == [
        "progress!r", "delivery_date:>10"]
    assert unknown_placeholders("{order_number") is None
    assert unknown_placeholders("{{literal}} braces") == []
    assert render_template("{{x}} {company}", {"company": "A"}) == "{x} A"


def test_an_admin_edits_the_template(admin):
    template = email_template_update(actor=admin, subject="订单 {order_number}",
                                     body="{contact} 您好，进度：{progress}")
    stored = CustomerEmailTemplate.objects.get(pk=1)
    assert (stored.subject, stored.body, stored.updated_by_id) == (
        "订单 {order_number}", "{contact} 您好，进度：{progress}", admin.pk)
    assert template.pk == 1
    assert AuditEvent.objects.filter(action="release.email_template_updated").count() == 1


def test_unknown_placeholders_are_refused_field_by_field(admin):
    before = CustomerEmailTemplate.objects.values_list("subject", "body").get(pk=1)
    with pytest.raises(ValidationFailed) as caught:
        email_template_update(actor=admin, subject="订单 {number}", body="价格 {price")
    known = ("{order_number}, {customer}, {contact}, {delivery_date}, {progress}, "
             "{salesperson}, {company}")
    assert caught.value.errors == {
        "subject": [f"Unknown placeholders: {{number}}. Known: {known}."],
        "body": ["A brace is not closed; write placeholders as {name}."]}
    with pytest.raises(ValidationFailed) as caught:
        email_template_update(actor=admin, subject="", body="")
    assert set(caught.value.errors) == {"subject", "body"}
    assert CustomerEmailTemplate.objects.values_list("subject", "body").get(pk=1) == before


def test_only_a_system_admin_edits_the_template(sales_head):
    with pytest.raises(NotPermitted):
        email_template_update(actor=sales_head, subject="x", body="y")
