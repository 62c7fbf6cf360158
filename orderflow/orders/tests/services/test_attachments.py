"""Attachments (P2.1.1): the customer's PO scan and drawings, with size and type limits."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, ValidationFailed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Attachment
from orderflow.orders.services import attachment_add, attachment_remove
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(salesperson, customer, products):
    return make_order(salesperson, customer, products)


def _file(name="采购订单.pdf", content=b"%PDF-1.7 po scan", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_add_stores_the_file_with_its_digest(order, salesperson):
    attachment = attachment_add(order_id=order.pk, actor=salesperson, upload=_file(),
                                kind="purchase_order")
    attachment.refresh_from_db()
    assert (attachment.original_name, attachment.size, attachment.kind,
            attachment.content_type, attachment.uploaded_by) == (
        "采购订单.pdf", 16, "purchase_order", "application/pdf", salesperson)
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.7 po scan").hexdigest()
    assert attachment.file.read() == b"%PDF-1.7 po scan"
    event = AuditEvent.objects.get(action="order.attachment_added")
    assert event.data["name"] == "采购订单.pdf" and event.data["sha256"] == attachment.sha256


@pytest.mark.parametrize(("file_args", "kind"), [
    ({"content": b"x" * 1001}, "drawing"),
    ({"content": b""}, "drawing"),
    ({"name": "virus.exe"}, "drawing"),
    ({"name": "noextension"}, "drawing"),
    ({}, "selfie"),
    (None, "drawing"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(file_args, kind, order, salesperson,
                                                       settings):
    settings.ORDERFLOW_ATTACHMENT_MAX_BYTES = 1000
    upload = None if file_args is None else _file(**file_args)
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(order_id=order.pk, actor=salesperson, upload=upload, kind=kind)
    assert set(exc.value.errors) <= {"file", "kind"} and exc.value.errors
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="order.attachment_added").exists()


def test_others_cannot_attach(order, customer):
    with pytest.raises(NotFound):
        attachment_add(order_id=order.pk, actor=make_user(username="s9"), upload=_file())
    assert not Attachment.objects.exists()


def test_remove_only_while_editable(order, salesperson, django_capture_on_commit_callbacks):
    first = attachment_add(order_id=order.pk, actor=salesperson, upload=_file())
    second = attachment_add(order_id=order.pk, actor=salesperson, upload=_file("图纸.png"))
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(order_id=order.pk, attachment_id=first.pk, actor=salesperson)
    assert list(Attachment.objects.values_list("pk", flat=True)) == [second.pk]
    assert not first.file.storage.exists(first.file.name)
    put_in_state(order, State.CHECKED)
    with pytest.raises(NotPermitted):
        attachment_remove(order_id=order.pk, attachment_id=second.pk, actor=salesperson)
    assert Attachment.objects.filter(pk=second.pk).exists()


def test_remove_unknown_attachment(order, salesperson):
    with pytest.raises(NotFound):
        attachment_remove(order_id=order.pk, attachment_id=12345, actor=salesperson)
