"""Notify people in-app and by email; mail leaves only after the transaction commits."""

from functools import partial

from django.db import transaction

from orderflow.core import clock

from .models import Notification
from .tasks import send_notification_email


def notify(*, recipients, kind: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> list[Notification]:
    """Create one notification per distinct recipient; queue their mail on commit."""
    now = clock.now()
    unique = {r.pk: r for r in recipients if r is not None and r.is_active}
    notes = Notification.objects.bulk_create([
        Notification(recipient=r, kind=kind, title=str(title)[:200], body=str(body), url=url,
                     created_at=now) for r in unique.values()
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
