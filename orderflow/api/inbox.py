"""The inbox: what waits for the current user in review and approval, with deadlines.

Opinions to give (P3.3.2), major-order panels to conclude (P3.1.2), approval tasks
(P4.1.1, including those held as deputy) and sign-offs (P4.1.2). Each item names its
order, deadline, working hours left and whether it is overdue.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema

from orderflow.approval.selectors import approval_inbox, signoffs_waiting
from orderflow.review.selectors import panels_to_conclude, review_inbox

from .schemas import ERRORS, UserRef
from .schemas_review import (
    DepartmentRef,
    MajorReasonOut,
    OrderRef,
    major_reasons,
    mark_deadlines,
)

router = Router(tags=["inbox"])

INBOX_LIMIT = 50


class _Timed(Schema):
    due_at: dt.datetime | None = Field(None, description="The deadline, if the work has one.")
    hours_left: Decimal | None = Field(None, description="Working hours to the deadline; "
                                       "negative once overdue.")
    overdue: bool = False


class InboxOpinion(_Timed):
    id: int = Field(description="The opinion: POST /api/review-opinions/{id}.")
    review_id: int
    round: int
    department: DepartmentRef
    is_major: bool
    acting_for: UserRef | None = Field(None, description="Held as deputy for this user.")
    order: OrderRef

    @staticmethod
    def resolve_round(obj) -> int:
        return obj.review.round

    @staticmethod
    def resolve_is_major(obj) -> bool:
        return obj.review.is_major

    @staticmethod
    def resolve_acting_for(obj):
        return getattr(obj, "acting_for", None)

    @staticmethod
    def resolve_order(obj):
        return obj.review.order


class InboxPanel(_Timed):
    id: int = Field(description="The review: POST /api/reviews/{id}/conclusion.")
    round: int
    started_at: dt.datetime
    major_reasons: list[MajorReasonOut]
    acting_for: UserRef | None = Field(None, description="Held as the chair's deputy.")
    order: OrderRef

    @staticmethod
    def resolve_major_reasons(obj) -> list[dict]:
        return major_reasons(obj.major_reasons)

    @staticmethod
    def resolve_acting_for(obj):
        return getattr(obj, "acting_for", None)


class InboxTask(_Timed):
    id: int = Field(description="The task: POST /api/approval-tasks/{id}/approve etc.")
    due_at: dt.datetime | None = Field(None, description="The step's deadline.")
    step: int
    step_name: str
    mode: str
    mode_label: str
    round: int
    subject_kind: str = Field("order", description="What is approved: order, statement "
                              "(the settlement statement, P7.2.2), ...")
    acting_for: UserRef | None = Field(None, description="Held as deputy for this user.")
    order: OrderRef

    @staticmethod
    def resolve_due_at(obj) -> dt.datetime | None:
        return obj.stage.due_at

    @staticmethod
    def resolve_subject_kind(obj) -> str:
        return obj.request.subject_kind

    @staticmethod
    def resolve_step(obj) -> int:
        return obj.stage.position

    @staticmethod
    def resolve_step_name(obj) -> str:
        return obj.stage.name

    @staticmethod
    def resolve_mode(obj) -> str:
        return obj.stage.mode

    @staticmethod
    def resolve_mode_label(obj) -> str:
        return str(obj.stage.get_mode_display())

    @staticmethod
    def resolve_round(obj) -> int:
        return obj.request.round

    @staticmethod
    def resolve_acting_for(obj):
        return getattr(obj, "acting_for", None)


class InboxSignOff(_Timed):
    order: OrderRef

    @staticmethod
    def resolve_order(obj):
        return obj


class InboxOut(Schema):
    opinions: list[InboxOpinion]
    panels: list[InboxPanel]
    approvals: list[InboxTask]
    signoffs: list[InboxSignOff]


@router.get("", response={200: InboxOut, **ERRORS}, summary="What waits for me",
            description="Opinions to give (P3.3.2), panels to conclude as chair (P3.1.2), "
            "approval tasks (P4.1.1; `acting_for` names the user a deputy holds them for) "
            "and orders waiting for the Sales head's sign-off (P4.1.2); up to 50 of each, "
            "most urgent first, with deadline, working hours left and an overdue flag.")
def inbox(request):
    user = request.auth
    opinions = review_inbox(user, limit=INBOX_LIMIT)
    tasks = approval_inbox(user, limit=INBOX_LIMIT)
    mark_deadlines([*((op, op.due_at, True) for op in opinions),
                    *((task, task.stage.due_at, True) for task in tasks)])
    return {"opinions": opinions, "panels": panels_to_conclude(user, limit=INBOX_LIMIT),
            "approvals": tasks, "signoffs": signoffs_waiting(user, limit=INBOX_LIMIT)}
