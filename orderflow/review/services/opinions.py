"""Giving a department's opinion (P3.2.x, P3.3.2, P3.4.1) and its attachments."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.documents.uploads import store_upload, validate_upload
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import OrderOf, lock_order

from ..domain.opinions import OpinionFacts, overall_conclusion, validate_opinion
from ..models import Conclusion, OpinionAttachment, OpinionStatus, ReviewOpinion, ReviewStatus
from ..permissions import opinion_right
from .conclude import finish_review
from .messages import raise_problems

MAX_ATTACHMENTS_PER_OPINION = 20


def locked_opinion(opinion_id: int, actor) -> ReviewOpinion:
    """The opinion, its order locked first (a conclusion locks it too, so an opinion and
    a conclusion never interleave), then the opinion row; NotFound if invisible."""
    order = lock_order(OrderOf(ReviewOpinion.objects.filter(pk=opinion_id),
                               missing=_("Review opinion not found."),
                               field="review__order_id"), actor)
    opinion = (ReviewOpinion.objects.select_for_update(of=("self",))
               .select_related("review", "department").get(pk=opinion_id))
    opinion.review.order = order
    return opinion


def _check_may_give(opinion: ReviewOpinion, actor) -> int | None:
    """The principal's id if the actor acts as deputy. Raises NotPermitted, then
    TransitionNotAllowed (the opinion is final once given, P3.4.1)."""
    allowed, principal_id = opinion_right(actor, opinion)
    if not allowed:
        raise NotPermitted(_("You may not give the %(department)s opinion on this order.")
                           % {"department": DEPT_LABELS.get(opinion.department.code,
                                                            opinion.department.name)})
    if opinion.review.status != ReviewStatus.OPEN:
        raise TransitionNotAllowed(_("This review round has already concluded."))
    if opinion.review.order.status != State.IN_REVIEW:
        # e.g. a cancellation request (P8.2) holds the review until it is decided
        raise TransitionNotAllowed(_("The order is not in review at the moment."))
    if opinion.status != OpinionStatus.PENDING:
        raise TransitionNotAllowed(_("This opinion has already been given; it is final."))
    return principal_id


@transaction.atomic
def opinion_submit(*, opinion_id: int, actor, conclusion: str, text: str = "",
                   conditions: str = "", details: dict | None = None) -> ReviewOpinion:
    """A department gives its opinion; the last one of an ordinary review concludes it
    (P3.3.3); the last one of a panel tells the chair (P3.1.2).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (given already, review concluded),
        ValidationFailed (field by field; details as ``details.<name>``).
    """
    opinion = locked_opinion(opinion_id, actor)
    principal_id = _check_may_give(opinion, actor)
    review, order = opinion.review, opinion.review.order
    text, conditions = (text or "").strip(), (conditions or "").strip()
    conclusion = "" if conclusion is None else str(conclusion)
    cleaned, problems = validate_opinion(
        opinion.department.code, conclusion=conclusion, text=text, conditions=conditions,
        details=details, facts=OpinionFacts(today=clock.today(),
                                            delivery_date=order.delivery_date,
                                            has_special_requirements=order
                                            .has_special_requirements))
    raise_problems(problems)
    opinion.status, opinion.reviewer, opinion.on_behalf_of_id = (
        OpinionStatus.SUBMITTED, actor, principal_id)
    opinion.submitted_at, opinion.conclusion = clock.now(), conclusion
    opinion.text, opinion.conditions, opinion.details = text, conditions, cleaned
    opinion.save(update_fields=["status", "reviewer", "on_behalf_of", "submitted_at",
                                "conclusion", "text", "conditions", "details"])
    audit.record(actor, "review.opinion_given", opinion, from_state=OpinionStatus.PENDING,
                 to_state=OpinionStatus.SUBMITTED,
                 data={"order": order.pk, "review": review.pk, "round": review.round,
                       "department": opinion.department.code, "conclusion": conclusion,
                       "conditions": conditions, "text": text, "details": cleaned},
                 on_behalf_of=User(pk=principal_id) if principal_id else None)
    _after_opinion(opinion, actor)
    return opinion


def _after_opinion(opinion: ReviewOpinion, actor) -> None:
    review, order = opinion.review, opinion.review.order
    given = list(review.opinions.exclude(status=OpinionStatus.WITHDRAWN)
                 .values_list("status", "conclusion"))
    if any(status == OpinionStatus.PENDING for status, _c in given):
        # P3.3.2: each opinion returns to Sales.
        notify(recipients=[order.salesperson], kind="review.opinion_given",
               title=gettext_lazy("%(department)s gave its review opinion on order %(number)s: "
                           "%(conclusion)s"),
               params={"department": DEPT_LABELS.get(opinion.department.code,
                                                     opinion.department.name),
                       "number": order.number,
                       "conclusion": Conclusion(opinion.conclusion).label},
               url=f"/orders/{order.pk}/")
        return
    if review.is_major:
        notify(recipients=[review.chair], kind="review.panel_ready",
               title=gettext_lazy("All opinions on major order %(number)s are in: the panel can "
                           "conclude"),
               params={"number": order.number}, url=f"/orders/{order.pk}/")
        return
    finish_review(order=order, review=review, actor=actor,
                  conclusion=overall_conclusion(c for _s, c in given))


@transaction.atomic
def opinion_attachment_add(*, opinion_id: int, actor, upload) -> OpinionAttachment:
    """Attach a file to an opinion still being prepared, by someone who may give it.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (opinion given, review concluded),
        ValidationFailed (size, type, too many files).
    """
    opinion = locked_opinion(opinion_id, actor)
    principal_id = _check_may_give(opinion, actor)
    validate_upload(upload)
    if opinion.attachments.count() >= MAX_ATTACHMENTS_PER_OPINION:
        errors = Errors()
        errors.add("file", _("At most %(n)s files per opinion.")
                   % {"n": MAX_ATTACHMENTS_PER_OPINION})
        errors.raise_if_any()
    attachment = OpinionAttachment(opinion=opinion, uploaded_by=actor, uploaded_at=clock.now())
    store_upload(attachment, upload)
    attachment.save(force_insert=True)
    audit.record(actor, "review.opinion_attachment_added", opinion,
                 data={"attachment": attachment.pk, "name": attachment.original_name,
                       "size": attachment.size, "sha256": attachment.sha256},
                 on_behalf_of=User(pk=principal_id) if principal_id else None)
    return attachment

