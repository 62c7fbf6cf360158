"""Notify people in-app and by email; mail leaves only after the transaction commits."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import translation

from orderflow.core import clock

from .models import Notification
from .tasks import send_notification_email


def render_for(user, text, params: dict | None = None) -> str:
    """A (lazy) message in the recipient's language: their preference, else the company's."""
    with translation.override(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE):
        rendered = str(text)
        return rendered % params if params else rendered


def notify(*, recipients, kind: str, title, params: dict | None = None, body: str = "",
           url: str = "", email: bool = True) -> list[Notification]:
    """Create one notification per distinct recipient; queue their mail on commit.

    `title` is a lazy translatable message (with `params` for its placeholders), so each
    recipient reads it in their own language, not the actor's. `body` is the user's text.
    """
    now = clock.now()
    unique = {r.pk: r for r in recipients if r is not None and r.is_active}
    notes = Notification.objects.bulk_create([
        Notification(recipient=r, kind=kind, title=render_for(r, title, params)[:200],
                     body=str(body), url=url, created_at=now) for r in unique.values()
    ])
    if email:
        for note in notes:
            transaction.on_commit(partial(send_notification_email.enqueue,
                                          notification_id=note.pk))
    return notes


@transaction.atomic
def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one (or all) of the actor's notifications read; returns how many."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=clock.now())
