"""Review deadlines (P3.3.2): remind the department before its opinion is due; when it is
overdue tell the department head and the salesperson, later the division leaders.

Run by the periodic task in orderflow.workcal.tasks; safe to run on several workers.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.notifications.services import notify
from orderflow.workcal.services import SweepPeople, local_time, sweep_timed_work

from ..models import OpinionStatus, ReviewOpinion, ReviewStatus

REMINDER = _("Review of order %(number)s: the %(department)s opinion is due at %(due)s.")
OVERDUE = _("Review of order %(number)s: the %(department)s opinion is overdue "
            "(it was due at %(due)s).")
TO_LEADER = _("Review of order %(number)s: the %(department)s opinion is still missing "
              "(it was due at %(due)s).")


def _send(opinion, recipients, kind: str, title) -> list[int]:
    order = opinion.review.order
    recipients = [r for r in recipients if r is not None]
    notify(recipients=recipients, kind=kind, title=title,
           params={"number": order.number, "department": DEPT_LABELS.get(
               opinion.department.code, opinion.department.name),
               "due": local_time(opinion.due_at)},
           url=f"/orders/{order.pk}/")
    return sorted({r.pk for r in recipients if r.is_active})


def _audit(opinion, action: str, notified: list[int], now: dt.datetime) -> None:
    audit.record(None, action, opinion.review.order, data={
        "review_id": opinion.review_id, "opinion_id": opinion.pk,
        "department": opinion.department.code, "due_at": opinion.due_at,
        "escalate_at": opinion.escalate_at, "swept_at": now, "notified": notified})


def _handlers(people: SweepPeople) -> dict:
    def remind(opinion, now):
        # Who may give the opinion: a major order's panel is the department heads
        # (P3.1.2); otherwise the department's members.
        givers = ([people.head(opinion.department.code)] if opinion.review.is_major
                  else people.members(opinion.department.code))
        _send(opinion, givers, "review.opinion_due", REMINDER)

    def to_head(opinion, now):
        notified = _send(opinion, [people.head(opinion.department.code),
                                   opinion.review.order.salesperson],
                         "review.opinion_overdue", OVERDUE)
        _audit(opinion, "review.opinion_overdue", notified, now)

    def to_leader(opinion, now):
        notified = _send(opinion, people.leaders(), "review.escalated_to_leader",
                         TO_LEADER)
        _audit(opinion, "review.escalated_to_leader", notified, now)

    return {"reminded_at": remind, "escalated_head_at": to_head,
            "escalated_leader_at": to_leader}


def review_deadline_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> dict:
    """Send the reminders and escalations of waiting opinions whose moment has come
    (P3.3.2); at most `limit` opinions per kind. Returns counts: reminded,
    escalated_head, escalated_leader, failed."""
    waiting = ReviewOpinion.objects.filter(status=OpinionStatus.PENDING,
                                           review__status=ReviewStatus.OPEN)
    return sweep_timed_work(
        waiting, now=now or clock.now(), limit=limit, handlers=_handlers(SweepPeople()),
        related=("review__order__salesperson", "department"))
