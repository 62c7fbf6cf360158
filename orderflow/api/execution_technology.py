"""Technology execution API (P5.4.1): Production's technical support requests of an order,
Technology's answers, their resolution, and the open requests across orders.

Thin: reads through orderflow.execution.selectors.technology (an invisible order answers
404), writes through orderflow.execution.services.technology (permission, state and input
checked there).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from orderflow.core.errors import NotFound
from orderflow.execution.models.technology import SupportRequest
from orderflow.execution.selectors import technology as selectors
from orderflow.execution.services import technology as services

from .review import visible_order
from .schemas import ERRORS, LooseDate, LooseId, OrderNumberRef, UserRef

router = Router(tags=["execution"])


class SupportRequestIn(Schema):
    subject: str | None = None
    description: str | None = None
    urgency: str | None = Field("normal", description="normal or urgent")
    needed_by: LooseDate = Field(None, description="Not in the past (optional).")
    problem_id: LooseId = Field(None, description="A production problem of this order "
                                "(optional).")


class AnswerIn(Schema):
    answer: str | None = Field(None, description="Required.")


class ResolveIn(Schema):
    resolution: str | None = Field(None, description="Required.")


class ProblemRef(Schema):
    id: int
    kind: str
    description: str


class SupportRequestOut(Schema):
    id: int
    order_id: int
    package_id: int = Field(description="The order's Technology package.")
    problem: ProblemRef | None
    subject: str
    description: str
    urgency: str
    urgency_label: str
    needed_by: dt.date | None
    late: bool = Field(description="Not resolved and past the date it was needed by.")
    status: str
    status_label: str
    answer: str
    answered_by: UserRef | None
    answered_at: dt.datetime | None
    resolution: str
    resolved_by: UserRef | None
    resolved_at: dt.datetime | None
    created_by: UserRef = Field(description="The Production member who asked.")
    on_behalf_of: UserRef | None
    created_at: dt.datetime

    @staticmethod
    def resolve_urgency_label(obj) -> str:
        return str(obj.get_urgency_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_late(obj) -> bool:
        return bool(getattr(obj, "is_late", False))


class SupportRequestListItemOut(SupportRequestOut):
    order: OrderNumberRef


class RequestFilters(Schema):
    status: str | None = Field("open", description="open (default: waiting for an answer), "
                               "answered, resolved, unresolved (open or answered), or empty "
                               "for all.")
    limit: int = Field(100, ge=1, le=500)


def _request_out(request, request_id: int):
    order_id = (SupportRequest.objects.filter(pk=request_id)
                .values_list("order_id", flat=True).first())
    if order_id is None:
        raise NotFound(_("%(what)s not found.") % {"what": SupportRequest._meta.verbose_name})
    order = visible_order(request, order_id)
    return next(r for r in selectors.requests_for(order) if r.pk == request_id)


@router.get("/orders/{id:order_id}/support-requests",
            response={200: list[SupportRequestOut], **ERRORS},
            summary="Technical support requests of an order",
            description="Open, then answered, then resolved (P5.4.1).")
def list_requests(request, order_id: int):
    return selectors.requests_for(visible_order(request, order_id))


@router.post("/orders/{id:order_id}/support-requests",
             response={201: SupportRequestOut, **ERRORS},
             summary="Ask Technology for technical support",
             description="Members of the order's Production package (or their deputy) "
             "only: 403 for others; 404 if the order is not visible or has no Technology "
             "package; 409 unless the order is being executed and Technology not done. "
             "Technology's members are notified.")
def raise_request(request, order_id: int, payload: SupportRequestIn):
    saved = services.support_request_raise(
        order_id=order_id, actor=request.auth, subject=payload.subject or "",
        description=payload.description or "", urgency=payload.urgency or "normal",
        needed_by=payload.needed_by, problem_id=payload.problem_id)
    return Status(201, _request_out(request, saved.pk))


@router.get("/support-requests/{id:request_id}", response={200: SupportRequestOut, **ERRORS},
            summary="One support request",
            description="404 if it does not exist or its order is not visible.")
def get_request(request, request_id: int):
    return _request_out(request, request_id)


@router.post("/support-requests/{id:request_id}/answer",
             response={200: SupportRequestOut, **ERRORS},
             summary="Answer a support request",
             description="Technology members (or their deputy) only (403 for others); 409 "
             "unless the request is open. The requester is notified.")
def answer_request(request, request_id: int, payload: AnswerIn):
    services.support_request_answer(request_id=request_id, actor=request.auth,
                                    answer=payload.answer or "")
    return _request_out(request, request_id)


@router.post("/support-requests/{id:request_id}/resolve",
             response={200: SupportRequestOut, **ERRORS},
             summary="Confirm a support request is solved",
             description="Production once Technology has answered, or Technology at any "
             "time; 403 for others, 409 if already resolved (or open, for Production).")
def resolve_request(request, request_id: int, payload: ResolveIn):
    services.support_request_resolve(request_id=request_id, actor=request.auth,
                                     resolution=payload.resolution or "")
    return _request_out(request, request_id)


@router.get("/support-requests", response={200: list[SupportRequestListItemOut], **ERRORS},
            summary="Support requests across orders",
            description="Technology's to-do list: open ones by default, urgent first, then "
            "by the date needed. Technology and Production see all, others the ones they "
            "raised. At most `limit` (<= 500).")
def requests_across_orders(request, filters: Query[RequestFilters]):
    return selectors.support_requests(request.auth, status=filters.status or None,
                                      limit=filters.limit)
