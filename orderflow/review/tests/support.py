"""Given-steps and 'nothing changed' snapshots for the review tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.intake.services.check import order_check
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.tests.support import make_order, order_state
from orderflow.review.domain.opinions import REVIEWING_DEPARTMENTS
from orderflow.review.models import (
    MajorOrderRule,
    OpinionAttachment,
    Review,
    ReviewOpinion,
    ReviewReport,
)
from orderflow.review.services import opinion_submit, review_start
from orderflow.testing.factories import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday, 09:00 in the company's time zone: the working day runs 08:30-12:00, 13:30-18:00.
FROZEN = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
TODAY = FROZEN.date()

# A complete, favourable opinion per department (P3.2.1-P3.2.5).
GOOD_DETAILS = {
    "technology": {"feasibility": "feasible", "difficulties": "焊接变形控制",
                   "solutions": ""},
    "production": {"capacity": "sufficient", "resources": "2号线，两班；4月排产",
                   "plan_changes": "", "feasible_delivery_date": "2025-04-25"},
    "quality": {"standards": "GB/T 19001-2016", "special_requirements": "",
                "control_measures": ""},
    "procurement": {"materials": "304不锈钢板、轴承", "suppliers": "宝钢、人本",
                    "lead_time_days": 20, "risks": "", "countermeasures": ""},
    "finance": {"estimated_cost": "1600.00", "margin_percent": "29.20", "proposals": ""},
}


def make_reviewers() -> dict[str, dict[str, object]]:
    """A staff member and a head in each reviewing department."""
    return {code: {"staff": make_user(Dept(code), Role.STAFF, username=f"{code}_staff"),
                   "head": make_user(Dept(code), Role.DEPT_HEAD, username=f"{code}_head")}
            for code in REVIEWING_DEPARTMENTS}


def ordinary_rule() -> None:
    """Given: no criterion makes an order major (tests of the ordinary review)."""
    MajorOrderRule.objects.update_or_create(pk=1, defaults={
        "amount_threshold": None, "customised": False, "new_customer": False,
        "special_requirements": False})


def checked_order(salesperson, customer, products, **overrides) -> Order:
    order = make_order(salesperson, customer, products, **overrides)
    order_check(order_id=order.pk, actor=salesperson)
    order.refresh_from_db()
    assert order.status == State.CHECKED, order.status
    return order


def started_review(salesperson, customer, products, **overrides) -> Review:
    order = checked_order(salesperson, customer, products, **overrides)
    return review_start(order_id=order.pk, actor=salesperson)


def opinion_of(review: Review, dept: str) -> ReviewOpinion:
    return review.opinions.get(department__code=dept)


def give(review: Review, dept: str, actor, conclusion="pass", **fields) -> ReviewOpinion:
    fields.setdefault("details", GOOD_DETAILS[dept])
    if conclusion == "fail":
        fields.setdefault("text", "无法满足")
    if conclusion == "conditional":
        fields.setdefault("conditions", "客户书面确认")
    return opinion_submit(opinion_id=opinion_of(review, dept).pk, actor=actor,
                          conclusion=conclusion, **fields)


def delegate(principal, deputy, *, starts_on, ends_on, revoked=False) -> Delegation:
    return Delegation.objects.create(
        principal=principal, deputy=deputy, starts_on=starts_on, ends_on=ends_on,
        created_by=principal, created_at=FROZEN,
        revoked_at=FROZEN if revoked else None)


def review_state(order_id: int) -> dict:
    """Everything a refused review action must leave alone."""
    return {
        "order": order_state(order_id),
        "reviews": list(Review.objects.filter(order_id=order_id).order_by("id").values()),
        "opinions": list(ReviewOpinion.objects.filter(review__order_id=order_id)
                         .order_by("id").values()),
        "reports": list(ReviewReport.objects.filter(review__order_id=order_id).values()),
        "attachments": list(OpinionAttachment.objects.filter(
            opinion__review__order_id=order_id).values()),
        "notifications": Notification.objects.count(),
        "events": AuditEvent.objects.count(),
    }
