"""Order review (P3): the rounds of an order, opinions, attachments, the panel's
conclusion and the review report's PDF.

Starting a review is the order action `start_review` (POST /api/orders/{id}/actions/...).
Thin: reads through orderflow.review.selectors (an invisible order answers 404), writes
through orderflow.review.services (permission, state and input checked there).
"""

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from orderflow.core.errors import NotFound
from orderflow.orders.selectors import visible_to
from orderflow.review import selectors, services
from orderflow.review.domain.opinions import OPINION_FIELDS
from orderflow.review.models import OpinionStatus

from .schemas import ERRORS, ErrorOut
from .schemas_review import (
    ConclusionIn,
    OpinionAttachmentOut,
    OpinionFieldOut,
    OpinionIn,
    OpinionOut,
    ReviewOut,
    mark_deadlines,
)

router = Router(tags=["review"])


def visible_order(request, order_id: int):
    """The order if the user may see it (NotFound otherwise), without its children."""
    order = visible_to(request.auth).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def with_deadlines(opinions):
    """Working hours left on each waiting opinion (P3.3.2), in one calendar read."""
    opinions = list(opinions)
    mark_deadlines((op, op.due_at, op.status == OpinionStatus.PENDING) for op in opinions)
    return opinions


def _rounds(request, order_id: int) -> list:
    rounds = selectors.reviews_for(request.auth, visible_order(request, order_id))
    with_deadlines(op for review in rounds for op in review.opinions.all())
    return rounds


def _round(request, order_id: int, review_id: int):
    """A review round as GET /orders/{id}/reviews shows it (after a write)."""
    return next(r for r in _rounds(request, order_id) if r.pk == review_id)


@router.get("/orders/{id:order_id}/reviews", response={200: list[ReviewOut], **ERRORS},
            summary="Review rounds of an order",
            description="Every round of review, newest first (P3.4.1, P3.4.2): each "
            "department's status, reviewer (and the user a deputy acted for), time, "
            "conclusion, conditions, text, typed details, attachments, deadline with "
            "reminder/escalation stamps and working hours left; the major-order panel "
            "(P3.1.2); the overall conclusion and the review report (P3.3.3).")
def order_reviews(request, order_id: int):
    return _rounds(request, order_id)


@router.get("/reviews/opinion-fields/{dept}", response={200: list[OpinionFieldOut], **ERRORS},
            summary="Typed fields of a department's opinion",
            description="What a department states besides its conclusion (P3.2.1-P3.2.5), "
            "e.g. Production's feasible delivery date or Finance's margin %; send them as "
            "`details` when giving the opinion. Unknown departments answer 404.")
def opinion_fields(request, dept: str):
    if dept not in OPINION_FIELDS:
        raise NotFound(_("This department does not give review opinions."))
    return selectors.opinion_fields(dept)


@router.post("/review-opinions/{id:opinion_id}", response={200: OpinionOut, **ERRORS},
             summary="Give a department's opinion",
             description="The department's reviewer (or a deputy within the delegation "
             "dates) gives the opinion (P3.3.2): conclusion pass / conditional / fail, "
             "conditions (required with conditional), text and the typed details. Errors "
             "come field by field (`details.<field>`). 409 if the opinion was already given "
             "or the review is closed; 403 for another department's opinion.")
def give_opinion(request, opinion_id: int, payload: OpinionIn):
    services.opinion_submit(opinion_id=opinion_id, actor=request.auth,
                            conclusion=payload.conclusion or "", text=payload.text or "",
                            conditions=payload.conditions or "", details=payload.details)
    return with_deadlines([selectors.opinion_for(request.auth, opinion_id)])[0]


@router.post("/review-opinions/{id:opinion_id}/attachments",
             response={201: OpinionAttachmentOut, **ERRORS},
             summary="Attach a file to an opinion (multipart: file)",
             description="Calculations, drawings or quotes backing a department's opinion "
             "(P3.3.2), while the opinion may still be given.")
def add_opinion_attachment(request, opinion_id: int,
                           file: File[UploadedFile | None] = None):
    attachment = services.opinion_attachment_add(opinion_id=opinion_id, actor=request.auth,
                                                 upload=file)
    return Status(201, attachment)


@router.post("/reviews/{id:review_id}/conclusion", response={200: ReviewOut, **ERRORS},
             summary="Record the panel's conclusion (major orders)",
             description="For a major or complex order the division leader chairs the panel "
             "and records its conclusion once the departments have given their opinions "
             "(P3.1.2). Pass leads to approval; fail back to Sales (P3.3.3).")
def conclude_review(request, review_id: int, payload: ConclusionIn):
    review = services.review_conclude(review_id=review_id, actor=request.auth,
                                      conclusion=payload.conclusion or "",
                                      text=payload.text or "",
                                      conditions=payload.conditions or "")
    return _round(request, review.order_id, review.pk)


@router.get("/review-reports/{id:report_id}/pdf", response={404: ErrorOut, 401: ErrorOut},
            summary="The review report as PDF",
            description="The issued, immutable review report (P3.3.3, P3.4.2). 404 while it "
            "is still being rendered, or if the order is not visible to you.",
            openapi_extra={"responses": {200: {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string",
                                                           "format": "binary"}}}}}})
def report_pdf(request, report_id: int):
    report = selectors.report_for(request.auth, report_id)
    if not report.file:
        raise NotFound(_("The report is still being prepared."))
    return FileResponse(report.file.open("rb"), content_type="application/pdf",
                        filename=f"{report.number}.pdf")
