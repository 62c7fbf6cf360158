"""Background delivery of notification mail (runs on the huey worker)."""

from django.core.mail import send_mail
from django.tasks import task


@task
def send_notification_email(*, notification_id: int) -> bool:
    from .models import Notification

    note = (Notification.objects.select_related("recipient").filter(pk=notification_id)
            .first())
    if note is None or not note.recipient.email:
        return False
    send_mail(subject=f"[orderflow] {note.title}", message=note.body or note.title,
              from_email=None, recipient_list=[note.recipient.email])
    return True
