"""The demo company's reviews and approvals (P3, P4.1), taken through the services.

Checked orders are sent to review at moments in the last days (the clock is set back
while each step is taken), so the demo has opinions waiting, overdue ones, failed
reviews, approvals at every step, rejections and signed-off orders.
"""

import datetime as dt
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.approval.services import order_sign_off, task_approve, task_reject
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_take_action
from orderflow.review.models import OpinionStatus, ReviewOpinion, ReviewReport
from orderflow.review.services import opinion_submit, report_render, review_conclude

# How far each demo order goes (weights): P3 review, then the P4.1 chain of three steps.
STAGES = {"waiting": 3, "partial": 4, "failed": 2, "approval_0": 3, "approval_1": 2,
          "approval_2": 2, "rejected": 1, "signoff": 2, "approved": 12}
_STEPS_DONE = {"approval_0": 0, "approval_1": 1, "approval_2": 2, "rejected": 1,
               "signoff": 3, "approved": 3}

OPINIONS = {
    "technology": ({"feasibility": "feasible", "difficulties": "",
                    "solutions": ""}, "图纸与标准型号一致，技术上无障碍。"),
    "production": ({"capacity": "sufficient", "resources": "二号装配线，按周计划排产，人员充足。"},
                   "产能满足数量和交期要求。"),
    "quality": ({"standards": "GB/T 19001-2016，客户验收标准", "special_requirements": "",
                 "control_measures": "首件检验，过程巡检，出厂全检。"}, "质量标准可以满足。"),
    "procurement": ({"materials": "钢材、轴承、密封件",
                     "suppliers": "常州恒力、宁波精密（合格供方）", "risks": "",
                     "countermeasures": ""}, "物料均有库存或稳定供货。"),
    "finance": ({"estimated_cost": "0", "margin_percent": "22.5", "proposals": ""},
                "毛利率符合公司要求。"),
}


@contextmanager
def at(moment: dt.datetime):
    """Take the steps inside as if it were `moment` (the demo's history)."""
    real = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = real


def _details(opinion: ReviewOpinion, order: Order, today: dt.date) -> dict:
    details = dict(OPINIONS[opinion.department.code][0])
    if opinion.department.code == "procurement":
        days_left = (order.delivery_date - today).days if order.delivery_date else 60
        details["lead_time_days"] = max(0, min(20, days_left - 5))
    if opinion.department.code == "finance":
        details["estimated_cost"] = str((order.total_net * Decimal("0.775"))
                                        .quantize(Decimal("0.01")))
    return details


class ReviewMaker:
    def __init__(self, rng, users: dict):
        self.rng, self.users = rng, users

    def _opinions(self, order: Order, count: int, *, fail: bool = False) -> None:
        pending = list(ReviewOpinion.objects.filter(review__order=order,
                                                    status=OpinionStatus.PENDING)
                       .select_related("department", "review").order_by("position"))
        for opinion in pending[:count]:
            code = opinion.department.code
            actor = self.users[f"{code}head" if opinion.review.is_major else f"{code}1"]
            conclusion, text = "pass", OPINIONS[code][1]
            details = _details(opinion, order, clock.today())
            if fail and code == "production":
                details["capacity"], conclusion = "insufficient", "fail"
                text = "当前订单排满，交期内产能不足，建议与客户协商延期。"
            opinion_submit(opinion_id=opinion.pk, actor=actor, conclusion=conclusion, text=text,
                           details=details)

    def _conclude_panel(self, order: Order, *, fail: bool) -> None:
        """A major order's panel: the chair records the conclusion (P3.1.2)."""
        review = order.reviews.order_by("-round").first()
        if review.is_major and review.status == "open":
            review_conclude(review_id=review.pk, actor=review.chair,
                            conclusion="fail" if fail else "pass",
                            text="产能不足，请销售部与客户协商交期。" if fail else
                            "评审组一致同意，按各部门意见执行。")

    def _approve(self, order: Order, steps: int, *, reject: bool = False) -> None:
        for _ in range(steps):
            task = (ApprovalTask.objects.filter(order=order, status=TaskStatus.PENDING)
                    .select_related("assignee").order_by("id").first())
            version = Order.objects.values_list("version", flat=True).get(pk=order.pk)
            task_approve(task_id=task.pk, actor=task.assignee, comment="同意。",
                         seen_version=version)
        if reject:
            task = (ApprovalTask.objects.filter(order=order, status=TaskStatus.PENDING)
                    .select_related("assignee").order_by("id").first())
            task_reject(task_id=task.pk, actor=task.assignee,
                        reason="付款条件偏宽，请与客户重新商定预付款比例。")

    def run(self, order: Order, stage: str, started: dt.datetime) -> Order:
        """Take a checked order to `stage`, one step every couple of hours from `started`."""
        moment = started
        with at(moment):
            order_take_action(order_id=order.pk, action="start_review", actor=order.salesperson)
        steps = {"waiting": 0, "partial": 2}.get(stage, 5)
        with at(moment + dt.timedelta(hours=3)):
            self._opinions(order, steps, fail=stage == "failed")
            if stage in _STEPS_DONE or stage == "failed":
                self._conclude_panel(order, fail=stage == "failed")
        if stage in _STEPS_DONE:
            with at(moment + dt.timedelta(hours=6)):
                self._approve(order, _STEPS_DONE[stage], reject=stage == "rejected")
        if stage == "approved":
            with at(moment + dt.timedelta(hours=8)):
                order_sign_off(order_id=order.pk, actor=self.users["saleshead"],
                               comment="同意下达。")
        return Order.objects.get(pk=order.pk)


def advance_reviews(rng, users: dict, *, since: dt.datetime, until: dt.datetime,
                    share: float = 0.35) -> Counter:
    """Send a share of the checked orders (not the Sales head's own) through review,
    each started at a moment between `since` and `until` (its steps follow within 8 h)."""
    checked = list(Order.objects.filter(status=State.CHECKED)
                   .exclude(salesperson=users["saleshead"]).select_related("salesperson")
                   .order_by("id"))
    chosen = rng.sample(checked, round(len(checked) * share)) if checked else []
    names = list(STAGES)
    # Each stage at least once when there is room, the rest by weight.
    stages = names[:len(chosen)] + rng.choices(names, weights=[STAGES[n] for n in names],
                                               k=max(len(chosen) - len(names), 0))
    maker, outcome = ReviewMaker(rng, users), Counter()
    span = max(1, int((until - since).total_seconds() // 3600) - 10)
    for order, stage in zip(sorted(chosen, key=lambda o: o.pk), stages, strict=True):
        started = since + dt.timedelta(hours=rng.randint(1, span))
        outcome[str(maker.run(order, stage, started).status)] += 1
    # The worker renders issued reports; the demo is loaded with the queue switched off.
    for report_id in ReviewReport.objects.filter(file="").values_list("pk", flat=True):
        report_render(report_id=report_id)
    return outcome
