"""Attachments (P2.1.1): the customer's PO scan, drawings; size and type limits."""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..models import Attachment, AttachmentKind
from .lifecycle import lock_order


def _validate_upload(upload, kind: str) -> None:
    errors = Errors()
    errors.choice("kind", kind, AttachmentKind.choices)
    if upload is None:
        errors.add("file", _("Choose a file."))
        errors.raise_if_any()
    limit = settings.ORDERFLOW_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        errors.add("file", _("The file is %(size)s; the limit is %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    if upload.size == 0:
        errors.add("file", _("The file is empty."))
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    allowed = settings.ORDERFLOW_ATTACHMENT_EXTENSIONS
    if extension not in allowed:
        errors.add("file", _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
                   % {"ext": extension or "?", "allowed": ", ".join(allowed)})
    errors.raise_if_any()


@transaction.atomic
def attachment_add(*, order_id: int, actor, upload, kind: str = AttachmentKind.OTHER
                   ) -> Attachment:
    """Store an upload with the order (through Django's storage API).

    Raises:
        NotFound, NotPermitted, ValidationFailed (size, type, kind).
    """
    order = lock_order(order_id, actor)
    require(actor, "orders.add_attachment", order)
    _validate_upload(upload, kind)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(order=order, kind=kind, original_name=PurePath(upload.name).name[:200],
                            content_type=getattr(upload, "content_type", "") or "",
                            size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor,
                            uploaded_at=clock.now())
    attachment.file.save(PurePath(upload.name).name, upload, save=False)
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
