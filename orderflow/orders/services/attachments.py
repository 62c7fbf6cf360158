"""Attachments (P2.1.1): the customer's PO scan, drawings; size and type limits."""

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors
from orderflow.documents.uploads import store_upload, validate_upload

from ..models import Attachment, AttachmentKind
from .lifecycle import lock_order


@transaction.atomic
def attachment_add(*, order_id: int, actor, upload, kind: str = AttachmentKind.OTHER
                   ) -> Attachment:
    """Store an upload with the order (through Django's storage API).

    Raises:
        NotFound, NotPermitted, ValidationFailed (size, type, kind).
    """
    order = lock_order(order_id, actor)
    require(actor, "orders.add_attachment", order)
    errors = Errors()
    errors.choice("kind", kind, AttachmentKind.choices)
    validate_upload(upload, errors)
    attachment = Attachment(order=order, kind=kind, uploaded_by=actor, uploaded_at=clock.now())
    store_upload(attachment, upload)
    attachment.save(force_insert=True)
    audit.record(actor, "order.attachment_added", order,
                 data={"attachment": attachment.pk, "name": attachment.original_name,
                       "size": attachment.size, "sha256": attachment.sha256, "kind": kind})
    return attachment


@transaction.atomic
def attachment_remove(*, order_id: int, attachment_id: int, actor) -> None:
    """Remove an attachment of an order that is still being edited."""
    order = lock_order(order_id, actor)
    require(actor, "orders.change_order", order,
            message=_("Attachments can only be removed while the order is being edited."))
    attachment = Attachment.objects.filter(order=order, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    name = attachment.original_name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(attachment.file.name))
    audit.record(actor, "order.attachment_removed", order,
                 data={"attachment": attachment_id, "name": name})
