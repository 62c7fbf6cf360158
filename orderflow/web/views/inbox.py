"""The inbox (待办): every review opinion, panel, approval task and sign-off waiting for
the user, with its deadline and the working hours left (P3.3.2, P4.1)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.approval.selectors import approval_inbox, describe_subjects, signoffs_waiting
from orderflow.core import clock
from orderflow.review.selectors import panels_to_conclude, review_inbox
from orderflow.workcal.domain.hours import hours_of, working_time_between
from orderflow.workcal.selectors import work_calendar

from ..templatetags.orderflow_tags import SUBJECT_LABELS

# Due soon (orange) from this many working hours before the deadline, or from the reminder.
DUE_SOON_HOURS = Decimal("4")
KIND_ORDER = {"task": 0, "signoff": 1, "opinion": 2, "panel": 3}


@dataclass
class Row:
    """One line of the inbox: what is asked about which order, by when."""

    kind: str                      # opinion | panel | task | signoff
    pk: int
    order: Any
    asked: str
    obj: Any
    acting_for: Any = None         # the principal when the user acts as deputy
    due_at: Any = None
    remind_at: Any = None
    hours_left: Decimal | None = None
    hours_abs: Decimal | None = None
    urgency: str = ""              # overdue | soon | ""
    url: str = ""                  # where what is asked is read (and done)
    amount: Any = None             # what is decided on (None: no amount)
    currency: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}"


def urgency_of(hours_left, remind_at, now, due=None) -> str:
    if hours_left is None:
        return ""
    # Past the deadline is overdue even outside working hours (0 working hours late).
    if hours_left < 0 or (due is not None and due <= now):
        return "overdue"
    if hours_left <= DUE_SOON_HOURS or (remind_at is not None and remind_at <= now):
        return "soon"
    return ""


def annotate_time_left(items, *, now=None) -> list:
    """Set `hours_left` (working hours to `due_at`, negative when overdue) and `urgency` on
    each item with a deadline; one calendar load for all (P3.3.2)."""
    items = list(items)
    dues = [item.due_at for item in items if getattr(item, "due_at", None)]
    if not dues:
        return items
    now = now or clock.now()
    tz = timezone.get_default_timezone()
    days = [moment.astimezone(tz).date() for moment in (*dues, now)]
    calendar = work_calendar(min(days), max(days))
    for item in items:
        due = getattr(item, "due_at", None)
        if due is None:
            continue
        item.hours_left = hours_of(working_time_between(now, due, calendar))
        item.hours_abs = abs(item.hours_left)
        item.urgency = urgency_of(item.hours_left, getattr(item, "remind_at", None), now, due)
    return items


def about_order(order) -> dict:
    """Row fields of what is asked about the order itself: its page and its total."""
    return {"url": reverse("web:order_detail", args=[order.pk]), "amount": order.total_gross,
            "currency": order.currency}


def opinion_row(opinion) -> Row:
    dept = DEPT_LABELS.get(opinion.department.code, opinion.department.name)
    return Row("opinion", opinion.pk, opinion.review.order,
               _("Review opinion: %(department)s") % {"department": dept}, opinion,
               acting_for=getattr(opinion, "acting_for", None),
               due_at=opinion.due_at, remind_at=opinion.remind_at,
               **about_order(opinion.review.order))


def panel_row(review) -> Row:
    return Row("panel", review.pk, review.order,
               _("Conclude the review panel (round %(round)s)") % {"round": review.round},
               review, **about_order(review.order))


def task_row(task) -> Row:
    """The row of an approval task: its subject's page and amount (a statement's total, no
    amount for an archive query), from describe_subjects (called here for a lone task)."""
    asked = _("Approve: %(step)s") % {"step": task.stage.name}
    kind = task.request.subject_kind
    if kind != "order":
        asked = f"{SUBJECT_LABELS.get(kind, kind)} · {asked}"
    if not hasattr(task, "subject_url"):
        describe_subjects([task])
    amount, currency = task.subject_amount or (None, "")
    return Row("task", task.pk, task.order, asked, task,
               acting_for=getattr(task, "acting_for", None),
               due_at=task.stage.due_at, remind_at=task.stage.remind_at,
               url=task.subject_url, amount=amount, currency=currency)


def signoff_row(order) -> Row:
    return Row("signoff", order.pk, order, _("Sign off the approved order"), order,
               acting_for=getattr(order, "acting_for", None), **about_order(order))


def inbox_rows(user, *, now=None) -> list[Row]:
    """Everything waiting for the user, overdue first, then by deadline."""
    tasks = describe_subjects(approval_inbox(user))
    rows = [*map(task_row, tasks), *map(signoff_row, signoffs_waiting(user)),
            *map(opinion_row, review_inbox(user)), *map(panel_row, panels_to_conclude(user))]
    annotate_time_left(rows, now=now)
    far = Decimal("1e9")
    rows.sort(key=lambda r: (r.hours_left if r.hours_left is not None else far,
                             KIND_ORDER[r.kind], r.order.pk))
    return rows


def counters(rows: list[Row]) -> dict:
    return {"opinions": sum(r.kind in ("opinion", "panel") for r in rows),
            "approvals": sum(r.kind in ("task", "signoff") for r in rows),
            "overdue": sum(r.urgency == "overdue" for r in rows),
            "total": len(rows)}


SHOW = {"opinions": lambda r: r.kind in ("opinion", "panel"),
        "approvals": lambda r: r.kind in ("task", "signoff"),
        "overdue": lambda r: r.urgency == "overdue"}


@login_required
@require_GET
def inbox(request):
    rows = inbox_rows(request.user)
    show = request.GET.get("show", "")
    shown = [r for r in rows if SHOW[show](r)] if show in SHOW else rows
    return render(request, "inbox/index.html", {"rows": shown, "counts": counters(rows),
                                                "show": show if show in SHOW else ""})


@login_required
@require_GET
def inbox_counters(request):
    """The workbench's counters, loaded by htmx after the page (they cost a few queries)."""
    return render(request, "inbox/_counters.html", {"counts": counters(inbox_rows(request.user))})


@login_required
@require_GET
def inbox_badge(request):
    """The count next to 待办 in the navigation, loaded by htmx."""
    return render(request, "inbox/_badge.html", {"counts": counters(inbox_rows(request.user))})


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/counters/", inbox_counters, name="inbox_counters"),
    path("inbox/badge/", inbox_badge, name="inbox_badge"),
]
