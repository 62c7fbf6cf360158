"""A review round concludes (P3.3.3): the report is issued, the order passes to approval
or goes back to Sales; a major order's panel chair concludes it (P3.1.2)."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import OrderOf, apply_transition, lock_order

from ..domain.opinions import FAIL, overall_conclusion, validate_panel_conclusion
from ..models import OpinionStatus, Review, ReviewReport, ReviewStatus
from ..permissions import chair_right
from .messages import raise_problems
from .report import issue_report


def _enqueue_render(report_id: int) -> None:
    from ..tasks import render_review_report

    render_review_report.enqueue(report_id=report_id)


def finish_review(*, order: Order, review: Review, actor, conclusion: str, text: str = "",
                  conditions: str = "", on_behalf_of_id: int | None = None) -> ReviewReport:
    """Conclude an open round of a locked order: the report, the order's next state,
    approval on a pass (P4.1.1), Sales told. The caller checked who may conclude."""
    now = clock.now()
    review.status = ReviewStatus.FAILED if conclusion == FAIL else ReviewStatus.PASSED
    review.conclusion, review.conclusion_text = conclusion, text
    review.conclusion_conditions = conditions
    review.concluded_by, review.concluded_at = actor, now
    review.save(update_fields=["status", "conclusion", "conclusion_text",
                               "conclusion_conditions", "concluded_by", "concluded_at"])
    report = issue_report(review=review, order=order, actor=actor, conditions=conditions,
                          on_behalf_of_id=on_behalf_of_id)
    deputy_for = User(pk=on_behalf_of_id) if on_behalf_of_id else None
    action = "fail_review" if conclusion == FAIL else "pass_review"
    apply_transition(order, action, actor, system=True, on_behalf_of=deputy_for,
                     data={"review": review.pk, "round": review.round,
                           "conclusion": conclusion, "report": report.number})
    audit.record(actor, "review.concluded", review, from_state=ReviewStatus.OPEN,
                 to_state=review.status, on_behalf_of=deputy_for,
                 data={"order": order.pk, "round": review.round, "conclusion": conclusion,
                       "text": text, "conditions": conditions, "report": report.number,
                       "content_sha256": report.content_sha256})
    if conclusion != FAIL:
        from orderflow.approval.services import approval_start

        approval_start(order=order, actor=actor)
    notify(recipients=[order.salesperson], kind=f"review.{review.status}",
           title=(gettext_lazy("The review of order %(number)s did not pass: renegotiate with the "
                        "customer or cancel the order") if conclusion == FAIL else
                  gettext_lazy("The review of order %(number)s passed; the order is in approval")),
           params={"number": order.number}, url=f"/orders/{order.pk}/")
    transaction.on_commit(partial(_enqueue_render, report.pk))
    return report


@transaction.atomic
def review_conclude(*, review_id: int, actor, conclusion: str, text: str = "",
                    conditions: str = "") -> Review:
    """The chair of a major order's panel (or the chair's deputy) records the panel's
    conclusion once every department head has given an opinion (P3.1.2); it is the
    overall conclusion.

    Raises:
        NotFound, NotPermitted (not the chair), TransitionNotAllowed (concluded already,
        opinions still awaited), ValidationFailed.
    """
    order = lock_order(OrderOf(Review.objects.filter(pk=review_id),
                               missing=_("Review not found.")), actor)
    review = Review.objects.select_for_update(of=("self",)).get(pk=review_id)
    review.order = order
    allowed, principal_id = chair_right(actor, review)
    if not allowed:
        raise NotPermitted(_("Only the panel's chair concludes this review."))
    if review.status != ReviewStatus.OPEN:
        raise TransitionNotAllowed(_("This review round has already concluded."))
    if order.status != State.IN_REVIEW:
        raise TransitionNotAllowed(_("The order is not in review at the moment."))
    given = list(review.opinions.exclude(status=OpinionStatus.WITHDRAWN)
                 .values_list("status", "conclusion"))
    waiting = sum(1 for status, _c in given if status == OpinionStatus.PENDING)
    if waiting or not given:
        raise TransitionNotAllowed(_("%(n)s department opinions are still awaited.")
                                   % {"n": waiting})
    text, conditions = (text or "").strip(), (conditions or "").strip()
    conclusion = "" if conclusion is None else str(conclusion)
    raise_problems(validate_panel_conclusion(
        conclusion=conclusion, text=text, conditions=conditions,
        opinions_overall=overall_conclusion(c for _s, c in given)))
    finish_review(order=order, review=review, actor=actor, conclusion=conclusion, text=text,
                  conditions=conditions, on_behalf_of_id=principal_id)
    return review
