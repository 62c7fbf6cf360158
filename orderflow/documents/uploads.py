"""Uploaded files (order attachments P2.1.1, opinion attachments P3.2): the company's size
and type limits, and storage through Django's storage API with the file's SHA-256."""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from orderflow.core.validation import Errors


def validate_upload(upload, errors: Errors | None = None) -> None:
    """Raises ValidationFailed ("file": ...) with the other `errors` already found."""
    errors = errors or Errors()
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


def store_upload(attachment, upload) -> None:
    """Fill an attachment row's file fields (name, type, size, SHA-256) and store the file;
    the caller saves the row."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name).name
    attachment.original_name = name[:200]
    attachment.content_type = getattr(upload, "content_type", "") or ""
    attachment.size, attachment.sha256 = upload.size, digest.hexdigest()
    attachment.file.save(name, upload, save=False)
