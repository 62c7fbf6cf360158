"""Schemas of the review (P3), approval (P4.1) and inbox endpoints.

Deadlines go out with `hours_left` (working hours on the company calendar, negative once
overdue, P3.3.2) and an `overdue` flag; both are null/false for work already done.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Schema

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.core import clock

from .schemas import LooseId, UserRef, state_label

# Deadlines


def mark_deadlines(items) -> None:
    """Set `hours_left` and `overdue` on each (obj, due_at, pending) of a response.

    One calendar covers every deadline, so a page costs two queries however many items
    it shows (the query count stays constant in the number of items).
    """
    from orderflow.workcal.domain.hours import hours_of, working_time_between
    from orderflow.workcal.selectors import work_calendar

    items = list(items)
    now = clock.now()
    open_dues = [due for _obj, due, pending in items if pending and due is not None]
    calendar = None
    if open_dues:
        tz = timezone.get_default_timezone()
        days = [moment.astimezone(tz).date() for moment in (now, *open_dues)]
        calendar = work_calendar(min(days), max(days))
    for obj, due, pending in items:
        is_open = bool(pending and due is not None)
        obj.hours_left = hours_of(working_time_between(now, due, calendar)) if is_open \
            else None
        obj.overdue = is_open and due <= now


class DeadlineOut(Schema):
    """A piece of timed work: its deadline, reminder and escalation moments (P3.3.2);
    `hours_left` and `overdue` are set by mark_deadlines()."""

    due_at: dt.datetime | None
    remind_at: dt.datetime | None
    escalate_at: dt.datetime | None
    reminded_at: dt.datetime | None
    escalated_head_at: dt.datetime | None
    escalated_leader_at: dt.datetime | None
    hours_left: Decimal | None = Field(None, description="Working hours to the deadline "
                                       "(negative once overdue); null when done.")
    overdue: bool = False


def _label(obj, field: str) -> str:
    value = getattr(obj, field)
    return str(getattr(obj, f"get_{field}_display")()) if value else ""


def _one_to_one(obj, name: str):
    """A reverse one-to-one relation, or None where there is none yet."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


# References


class DepartmentRef(Schema):
    code: str
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(DEPT_LABELS.get(obj.code, obj.code))


class OrderRef(Schema):
    id: int
    number: str
    status: str
    status_label: str
    customer_name: str
    currency: str
    total_gross: Decimal
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return state_label(obj.status)

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name


# Review (P3)


class OpinionAttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int
    uploaded_at: dt.datetime


class OpinionOut(DeadlineOut):
    """One department's opinion in a round (P3.2.x, P3.4.1: time, reviewer, opinion)."""

    id: int
    review_id: int
    department: DepartmentRef
    status: str
    status_label: str
    reviewer: UserRef | None
    on_behalf_of: UserRef | None = Field(None, description="Set when a deputy gave it.")
    assigned_at: dt.datetime
    given_at: dt.datetime | None
    conclusion: str
    conclusion_label: str
    conditions: str
    text: str
    details: dict
    attachments: list[OpinionAttachmentOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(obj, "status")

    @staticmethod
    def resolve_given_at(obj) -> dt.datetime | None:
        return obj.submitted_at

    @staticmethod
    def resolve_conclusion_label(obj) -> str:
        return _label(obj, "conclusion")

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class ReportRef(Schema):
    id: int
    number: str
    conclusion: str
    conclusion_label: str
    issued_at: dt.datetime
    pdf_url: str | None = Field(None, description="Null until the PDF is rendered.")

    @staticmethod
    def resolve_conclusion_label(obj) -> str:
        return _label(obj, "conclusion")

    @staticmethod
    def resolve_pdf_url(obj) -> str | None:
        return f"/api/review-reports/{obj.pk}/pdf" if obj.file else None


class MajorReasonOut(Schema):
    code: str
    label: str


def major_reasons(codes) -> list[dict]:
    from orderflow.review.domain.major import REASON_LABELS

    return [{"code": code, "label": gettext(REASON_LABELS[code]) if code in REASON_LABELS
             else code} for code in codes or ()]


class ReviewOut(Schema):
    """A review round with every department's opinion and, once concluded, the report."""

    id: int
    order_id: int
    subject_kind: str
    round: int
    status: str
    status_label: str
    is_major: bool = Field(description="Major or complex order: a panel decides (P3.1.2).")
    major_reasons: list[MajorReasonOut]
    chair: UserRef | None = Field(description="The division leader chairing the panel.")
    started_by: UserRef
    started_at: dt.datetime
    conclusion: str = Field(description="The overall conclusion (P3.3.3); empty while open.")
    conclusion_label: str
    conclusion_text: str
    concluded_by: UserRef | None
    concluded_at: dt.datetime | None
    opinions: list[OpinionOut]
    report: ReportRef | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(obj, "status")

    @staticmethod
    def resolve_conclusion_label(obj) -> str:
        return _label(obj, "conclusion")

    @staticmethod
    def resolve_major_reasons(obj) -> list[dict]:
        return major_reasons(obj.major_reasons)

    @staticmethod
    def resolve_opinions(obj) -> list:
        return list(obj.opinions.all())

    @staticmethod
    def resolve_report(obj):
        return _one_to_one(obj, "report")


class FieldChoiceOut(Schema):
    value: str
    label: str


class OpinionFieldOut(Schema):
    """One typed field of a department's opinion (P3.2.1-P3.2.5)."""

    name: str
    kind: str = Field(description="text, choice, decimal, integer or date")
    label: str
    required: bool
    choices: list[FieldChoiceOut]

    @staticmethod
    def resolve_label(obj) -> str:
        return gettext(obj.label)

    @staticmethod
    def resolve_choices(obj) -> list[dict]:
        return [{"value": value, "label": gettext(label)} for value, label in obj.choices]


class OpinionIn(Schema):
    conclusion: str | None = Field(None, description="pass, conditional or fail")
    text: str | None = None
    conditions: str | None = Field(None, description="Required with “conditional”.")
    details: dict | None = Field(None, description="The department's typed fields "
                                 "(see /api/reviews/opinion-fields/{dept}).")


class ConclusionIn(Schema):
    conclusion: str | None = Field(None, description="pass, conditional or fail")
    text: str | None = None
    conditions: str | None = None


# Approval (P4.1)


class ApprovalTaskOut(Schema):
    id: int
    assignee: UserRef
    status: str
    status_label: str
    acted_by: UserRef | None
    on_behalf_of: UserRef | None = Field(None, description="Set when a deputy acted.")
    acted_at: dt.datetime | None
    comment: str

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(obj, "status")


class ApprovalStageOut(DeadlineOut):
    id: int
    position: int
    name: str
    mode: str
    mode_label: str
    status: str
    status_label: str
    skip_reason: str
    activated_at: dt.datetime | None
    completed_at: dt.datetime | None
    cc: list[UserRef] = Field(description="Informed of the outcome without acting (抄送).")
    tasks: list[ApprovalTaskOut]

    @staticmethod
    def resolve_mode_label(obj) -> str:
        return _label(obj, "mode")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(obj, "status")

    @staticmethod
    def resolve_cc(obj) -> list:
        return list(getattr(obj, "cc_users", ()))

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())


class SignOffOut(Schema):
    """P4.1.2: who signed, when, over which content (sha-256 of the commercial content)."""

    signed_by: UserRef
    on_behalf_of: UserRef | None
    signed_at: dt.datetime
    content_hash: str
    comment: str


class ApprovalRequestOut(Schema):
    id: int
    order_id: int
    subject_kind: str
    round: int
    chain_name: str
    status: str
    status_label: str
    current_position: int
    content_hash: str
    started_by: UserRef
    started_at: dt.datetime
    finished_at: dt.datetime | None
    outcome_reason: str
    stages: list[ApprovalStageOut]
    sign_off: SignOffOut | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(obj, "status")

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.all())

    @staticmethod
    def resolve_sign_off(obj):
        return _one_to_one(obj, "sign_off")


class TaskResultOut(ApprovalTaskOut):
    """A task after an act, with the order's resulting state."""

    order: OrderRef


class ApproveIn(Schema):
    comment: str | None = None
    seen_version: int | None = Field(
        None, description="The order version the approver looked at; a newer one answers "
        "409 (the content changed under them).")


class RejectIn(Schema):
    reason: str | None = Field(None, description="Mandatory (P4.1.1).")


class ReturnIn(Schema):
    to_position: LooseId = Field(None, description="An earlier step's position.")
    reason: str | None = None
