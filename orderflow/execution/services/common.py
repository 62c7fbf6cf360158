"""The recipe every execution write shares (STYLE: one transaction, lock, who, state,
write, audit): lock the order then the department's package, check the actor works on
it, check the order is being executed, number records gap-free."""

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from orderflow.accounts.models import User
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import OrderOf, lock_order
from orderflow.release.domain.packages import Package
from orderflow.release.models import WorkPackage
from orderflow.release.permissions import package_authority

from ..models import ExecutionSequence

# P5: records are written while the order is released or in execution (not during a
# change or cancellation review, P8, nor once executed).
WORKING_ORDER_STATES = (State.RELEASED, State.IN_EXECUTION)


@dataclass
class Locked:
    """What a write works on: the locked order and package, and, for a deputy, the
    member they act for (recorded as on_behalf_of)."""

    order: Order
    package: WorkPackage
    principal: User | None

    @property
    def principal_id(self) -> int | None:
        return self.principal.pk if self.principal else None


def lock_package(order_id: "int | OrderOf", dept: str, actor, *, writable: bool = True,
                 member: bool = True) -> Locked:
    """Lock the order, then its `dept` work package (always in that order, like the
    package services, so no two writers deadlock).

    writable: the order must be released or in execution and the package not done.
    member: the actor must work on the package (its department's member or a deputy of
    one today); pass False when the service checks another rule itself (e.g. Production
    raising a request on the Technology package).

    Raises:
        NotFound: no such order visible to the actor, or the order has no `dept` package.
        NotPermitted: the actor does not work on the package.
        TransitionNotAllowed: the order is not being executed, or the package is done.
    """
    order = lock_order(order_id, actor)
    package = (WorkPackage.objects.select_for_update(of=("self",)).select_related("department")
               .filter(order_id=order.pk, department__code=dept).first())
    if package is None:
        raise NotFound(_("This order has no work package for that department."))
    package.order = order
    principal = None
    if member:
        may, principal_id = package_authority(actor, package)
        if not may:
            raise NotPermitted(_("Only the members of %(dept)s may do this.")
                               % {"dept": package.department.name})
        principal = User.objects.get(pk=principal_id) if principal_id else None
    if writable:
        if order.status not in WORKING_ORDER_STATES:
            raise TransitionNotAllowed(_("The order is not released for execution."))
        if package.status == Package.DONE:
            raise TransitionNotAllowed(_("%(dept)s has already finished its part of this "
                                         "order.") % {"dept": package.department.name})
    return Locked(order, package, principal)


def order_of(model, pk: int, field: str = "order_id") -> OrderOf:
    """The order of an execution record (along `field`), to lock (lock_package) in the
    statement that finds it; NotFound if the record is absent."""
    return OrderOf(model.objects.filter(pk=pk), field=field,
                   missing=_("%(what)s not found.") % {"what": model._meta.verbose_name})


def order_id_of(model, pk: int) -> int:
    """The order id of an execution record (to lock the order first); NotFound if absent."""
    order_id = model.objects.filter(pk=pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("%(what)s not found.") % {"what": model._meta.verbose_name})
    return order_id


def next_number(prefix: str, year: int) -> str:
    """PREFIX-YYYY-NNNNN, gap-free per prefix and year: one upsert whose row stays locked
    until the caller's transaction ends (take it last, like order numbers)."""
    key = f"{prefix}-{year}"
    table = connection.ops.quote_name(ExecutionSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number", [key])
        return f"{key}-{cursor.fetchone()[0]:05d}"
