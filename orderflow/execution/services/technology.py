"""Technology execution services (P5.4.1): Production asks Technology for technical
support; Technology answers; the request is resolved once the problem is solved. The
request lives on the order's Technology package (who answers)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.release.models import WorkPackage
from orderflow.release.permissions import package_authority

from ..models.production import ProductionProblem
from ..models.technology import SupportRequest, SupportStatus, Urgency
from .common import lock_package, order_of

DEPT = "technology"
REQUESTING_DEPT = "production"
MAX_TEXT = 4000
MAX_NOTIFIED = 200


def _package_url(package_id: int) -> str:
    return f"/work-packages/{package_id}/"


def _production_authority(actor, order_id: int) -> tuple[bool, int | None]:
    """Whether the actor works on the order's Production package (member or deputy)."""
    package = WorkPackage.objects.filter(order_id=order_id,
                                         department__code=REQUESTING_DEPT).first()
    if package is None:
        return False, None
    return package_authority(actor, package)


def _user(pk: int | None) -> User | None:
    return User.objects.get(pk=pk) if pk else None


@transaction.atomic
def support_request_raise(*, order_id: int, actor, subject: str, description: str,
                          urgency: str = Urgency.NORMAL, needed_by=None,
                          problem_id=None) -> SupportRequest:
    """Production asks Technology for technical support (P5.4.1), optionally about one of
    its production problems; Technology's members are told.

    Raises:
        ValidationFailed: any bad field (all reported at once).
        NotFound: no such order, or it has no Technology package.
        NotPermitted: the actor does not work on the order's Production package.
        TransitionNotAllowed: the order is not being executed or Technology is done.
    """
    errors = Errors()
    subject = errors.text("subject", subject, required=True, max_length=200)
    description = errors.text("description", description, required=True, max_length=MAX_TEXT)
    urgency = errors.choice("urgency", urgency or Urgency.NORMAL, Urgency.choices)
    needed_by = errors.date("needed_by", needed_by, required=False)
    if needed_by and needed_by < clock.today():
        errors.add("needed_by", _("The date must not be in the past."))
    problem_id = errors.integer("problem_id", problem_id, required=False, min_value=1)
    if problem_id and not ProductionProblem.objects.filter(pk=problem_id,
                                                           order_id=order_id).exists():
        errors.add("problem_id", _("Select a production problem of this order."))
    errors.raise_if_any()
    # One lock of the order (inside lock_package); Production's right checked by hand.
    locked = lock_package(order_id, DEPT, actor, member=False)
    may, principal_id = _production_authority(actor, locked.order.pk)
    if not may:
        raise NotPermitted(_("Only Production may ask Technology for support on this order."))
    principal = _user(principal_id)
    request = SupportRequest.objects.create(
        order=locked.order, package=locked.package, problem_id=problem_id, subject=subject,
        description=description, urgency=urgency, needed_by=needed_by, created_by=actor,
        on_behalf_of=principal, created_at=clock.now())
    audit.record(actor, "support_request.raised", request, to_state=request.status,
                 data={"order": locked.order.number, "urgency": urgency,
                       "needed_by": needed_by.isoformat() if needed_by else None,
                       "problem": problem_id},
                 on_behalf_of=principal)
    technology = User.objects.filter(department_id=locked.package.department_id,
                                     is_active=True).exclude(pk=actor.pk).order_by("id")
    title = (gettext_lazy("Urgent technical support needed on order %(number)s: %(subject)s")
             if urgency == Urgency.URGENT else
             gettext_lazy("Technical support requested on order %(number)s: %(subject)s"))
    notify(recipients=list(technology[:MAX_NOTIFIED]), kind="technology.request", title=title,
           params={"number": locked.order.number, "subject": subject}, body=description,
           url=_package_url(locked.package.pk))
    return request


def _locked_request(request_id: int, actor, *, member: bool):
    order_ref = order_of(SupportRequest, request_id)
    locked = lock_package(order_ref, DEPT, actor, member=member)
    return locked, SupportRequest.objects.select_for_update().get(pk=request_id)


@transaction.atomic
def support_request_answer(*, request_id: int, actor, answer: str) -> SupportRequest:
    """Technology answers an open request (P5.4.1); the requester is told.

    Raises:
        ValidationFailed (no answer), NotFound, NotPermitted (not Technology or its
        deputy), TransitionNotAllowed (already answered or resolved).
    """
    errors = Errors()
    answer = errors.text("answer", answer, required=True, max_length=MAX_TEXT)
    errors.raise_if_any()
    locked, request = _locked_request(request_id, actor, member=True)
    if request.status != SupportStatus.OPEN:
        raise TransitionNotAllowed(_("This request has already been answered."))
    request.status, request.answer = SupportStatus.ANSWERED, answer
    request.answered_by, request.answered_at = actor, clock.now()
    request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit.record(actor, "support_request.answered", request, from_state=SupportStatus.OPEN,
                 to_state=SupportStatus.ANSWERED,
                 data={"order": locked.order.number, "answer": answer},
                 on_behalf_of=locked.principal)
    notify(recipients=[request.created_by, request.on_behalf_of], kind="technology.answered",
           title=gettext_lazy("Technology answered your request on order %(number)s: "
                              "%(subject)s"),
           params={"number": locked.order.number, "subject": request.subject}, body=answer,
           url=f"/orders/{locked.order.pk}/")
    return request


@transaction.atomic
def support_request_resolve(*, request_id: int, actor, resolution: str) -> SupportRequest:
    """Confirm the request's problem is solved (P5.4.1): Production (the requesting
    department) once answered; Technology also straight from open.

    Raises:
        ValidationFailed (no resolution), NotFound, NotPermitted (neither Production nor
        Technology), TransitionNotAllowed (resolved, or open and not Technology).
    """
    errors = Errors()
    resolution = errors.text("resolution", resolution, required=True, max_length=MAX_TEXT)
    errors.raise_if_any()
    locked, request = _locked_request(request_id, actor, member=False)
    tech, tech_principal = package_authority(actor, locked.package)
    prod, prod_principal = _production_authority(actor, locked.order.pk)
    if not (tech or prod):
        raise NotPermitted(_("Only Production or Technology may resolve this request."))
    principal = _user(tech_principal if tech else prod_principal)
    if request.status == SupportStatus.RESOLVED:
        raise TransitionNotAllowed(_("This request is already resolved."))
    if request.status == SupportStatus.OPEN and not tech:
        raise TransitionNotAllowed(_("Technology has not answered this request yet."))
    from_state = request.status
    request.status, request.resolution = SupportStatus.RESOLVED, resolution
    request.resolved_by, request.resolved_at = actor, clock.now()
    request.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit.record(actor, "support_request.resolved", request, from_state=from_state,
                 to_state=SupportStatus.RESOLVED,
                 data={"order": locked.order.number, "resolution": resolution,
                       "by": DEPT if tech else REQUESTING_DEPT},
                 on_behalf_of=principal)
    told = [u for u in (request.created_by, request.answered_by) if u and u.pk != actor.pk]
    notify(recipients=told, kind="technology.resolved",
           title=gettext_lazy("Support request resolved on order %(number)s: %(subject)s"),
           params={"number": locked.order.number, "subject": request.subject},
           body=resolution, url=f"/orders/{locked.order.pk}/")
    return request


def completion_blockers(package) -> list[str]:
    """Why the technology package cannot be done yet (empty: it can): every support
    request resolved (P5.4.1)."""
    unresolved = (SupportRequest.objects.filter(package_id=package.pk)
                  .exclude(status=SupportStatus.RESOLVED).count())
    if unresolved:
        return [_("Support requests not resolved: %(n)s.") % {"n": unresolved}]
    return []
