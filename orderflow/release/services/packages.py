"""A department works its package (P5): start, block, unblock, complete. The first start
puts the order in execution; the last package done makes it executed (P5)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotFound, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import OrderOf, apply_transition, lock_order

from ..domain.packages import IllegalPackageTransition, Package, PackageAction, package_target
from ..models import PackageStatus, WorkPackage
from ..permissions import package_authority

MAX_REASON = 2000
# P5: what a department must have finished before its package can be done, per department
# code: guard(package) -> reasons it cannot be done yet (empty: it can). Registered by the
# execution app (e.g. Logistics: everything shipped and delivered).
COMPLETION_GUARDS: dict[str, object] = {}
_WORKING_ORDER_STATES = (State.RELEASED, State.IN_EXECUTION)
_STATE_LABELS = dict(PackageStatus.choices)


def _locked_package(package_id: int, actor) -> tuple[Order, WorkPackage]:
    """The package's order, then the package, both row-locked (always in that order, so
    two departments never deadlock and the last-done count is never stale)."""
    order = lock_order(OrderOf(WorkPackage.objects.filter(pk=package_id),
                               missing=_("Work package not found.")), actor)
    package = (WorkPackage.objects.select_for_update(of=("self",))
               .select_related("department").filter(pk=package_id, order_id=order.pk).first())
    if package is None:
        raise NotFound(_("Work package not found."))
    package.order = order
    return order, package


def _act(package_id: int, actor, action: PackageAction, *, reason: str = "") -> WorkPackage:
    """The recipe shared by the four actions: lock, who, state, write, audit."""
    order, package = _locked_package(package_id, actor)
    may, on_behalf_of_id = package_authority(actor, package)
    if not may:
        raise NotPermitted(_("Only the members of %(dept)s work on this package.")
                           % {"dept": package.department.name})
    if order.status not in _WORKING_ORDER_STATES:
        raise TransitionNotAllowed(_("The order is not released for execution."))
    try:
        to_state = package_target(package.status, action, started=bool(package.started_at))
    except IllegalPackageTransition as exc:
        state = _STATE_LABELS.get(package.status, package.status)
        raise TransitionNotAllowed(_("This is not possible while the package is “%(state)s”.")
                                   % {"state": state}) from exc
    if action == PackageAction.COMPLETE:
        guard = COMPLETION_GUARDS.get(package.department.code)
        reasons = guard(package) if guard else []
        if reasons:
            raise Conflict(_("%(dept)s cannot finish yet: %(reasons)s")
                           % {"dept": package.department.name, "reasons": "；".join(reasons)})
    from_state = package.status
    _write(package, to_state, action, actor, reason)
    principal = User.objects.get(pk=on_behalf_of_id) if on_behalf_of_id else None
    audit.record(actor, f"package.{action}", package, from_state=from_state, to_state=to_state,
                 data={"order": order.number, "department": package.department.code,
                       **({"reason": reason} if reason else {})},
                 on_behalf_of=principal)
    _move_order(order, package, actor, principal)
    return package


def _write(package: WorkPackage, to_state: Package, action: PackageAction, actor,
           reason: str) -> None:
    now = clock.now()
    package.status, package.updated_at, package.updated_by = to_state, now, actor
    fields = ["status", "updated_at", "updated_by"]
    if to_state == Package.IN_PROGRESS and package.started_at is None:
        package.started_at = now
        fields.append("started_at")
    if action in (PackageAction.BLOCK, PackageAction.UNBLOCK):
        package.blocked_reason = reason  # cleared on unblock
        fields.append("blocked_reason")
    if to_state == Package.DONE:
        package.done_at = now
        fields.append("done_at")
    package.save(update_fields=fields)


def _move_order(order: Order, package: WorkPackage, actor, principal) -> None:
    """P5: the first package started puts the order in execution; when no package is
    left undone (counted now, under the order's row lock) the order is executed."""
    if package.status == Package.IN_PROGRESS and order.status == State.RELEASED:
        apply_transition(order, "start_execution", actor, system=True, on_behalf_of=principal,
                         data={"department": package.department.code})
    if package.status != Package.DONE:
        return
    if WorkPackage.objects.filter(order_id=order.pk).exclude(status=Package.DONE).exists():
        return
    apply_transition(order, "complete_execution", actor, system=True, on_behalf_of=principal,
                     data={"last_department": package.department.code})
    notify(recipients=[order.salesperson], kind="release.executed",
           title=gettext_lazy("Every department has finished its part of order %(number)s"),
           params={"number": order.number}, url=f"/orders/{order.pk}/")


@transaction.atomic
def package_start(*, package_id: int, actor) -> WorkPackage:
    """The department starts its work (P5).

    Raises:
        NotFound, NotPermitted (not a member or deputy), TransitionNotAllowed.
    """
    return _act(package_id, actor, PackageAction.START)


@transaction.atomic
def package_block(*, package_id: int, actor, reason: str) -> WorkPackage:
    """The work cannot go on (P5.1.4); the reason is required, Sales is told (P6.1.1).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed (no reason).
    """
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_REASON)
    errors.raise_if_any()
    package = _act(package_id, actor, PackageAction.BLOCK, reason=reason)
    notify(recipients=[package.order.salesperson], kind="release.blocked", body=reason,
           title=gettext_lazy("%(dept)s is blocked on order %(number)s"),
           params={"dept": package.department.name, "number": package.order.number},
           url=f"/orders/{package.order_id}/")
    return package


@transaction.atomic
def package_unblock(*, package_id: int, actor) -> WorkPackage:
    """The obstacle is gone: back to in progress (or planned if never started).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed.
    """
    return _act(package_id, actor, PackageAction.UNBLOCK)


@transaction.atomic
def package_complete(*, package_id: int, actor) -> WorkPackage:
    """The department's part is done; the last one makes the order executed (P5).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed.
    """
    return _act(package_id, actor, PackageAction.COMPLETE)
