"""Releasing a signed-off order to the departments (P4.2.1), and which departments get a
work package for each order type (P11)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.accounts.models import Department, User
from orderflow.accounts.permissions import is_system_admin
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order, OrderType
from orderflow.orders.permissions import may_take
from orderflow.orders.services import apply_transition, lock_order, register_action

from ..domain.packages import PACKAGE_DEPARTMENTS, Package
from ..models import ReleaseRoute, WorkPackage, current_revision
from ..permissions import release_on_behalf_of


def _route_departments(order: Order) -> list[Department]:
    """The departments of the order type's route, in route order (one query each)."""
    route = ReleaseRoute.objects.filter(order_type=order.order_type).first()
    codes = list(route.departments) if route else []
    if not codes:
        raise Conflict(_("No departments are configured to receive orders of this type; "
                         "an administrator must set the release route."))
    found = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise Conflict(_("These departments of the release route do not exist: %(codes)s")
                       % {"codes": ", ".join(missing)})
    return [found[c] for c in codes]


def _requirements(order: Order) -> list[dict]:
    # P2.2.2: the special requirements travel with the package, as they were released.
    return [{"kind": kind, "description": text} for kind, text in
            order.special_requirements.order_by("id").values_list("kind", "description")]


@register_action("release")
@transaction.atomic
def order_release(*, order_id: int, actor, **_ignored) -> Order:
    """Release an approved order (P4.2.1): one work package per department of its route,
    each told in-app and by email. The number of queries does not grow with the number of
    departments.

    Raises:
        NotFound, NotPermitted (not the Sales head or deputy), TransitionNotAllowed (not
        approved), Conflict (no release route, or a department missing).
    """
    order = lock_order(order_id, actor)
    if not may_take(actor, "release", order):
        raise NotPermitted(_("Only the Sales head, or their deputy, releases an order."))
    if order.status != State.APPROVED:
        raise TransitionNotAllowed(_("Only an approved (signed-off) order can be released."))
    on_behalf_of_id = release_on_behalf_of(actor)
    principal = User.objects.get(pk=on_behalf_of_id) if on_behalf_of_id else None
    departments = _route_departments(order)
    now, revision, requirements = clock.now(), current_revision(order), _requirements(order)
    apply_transition(order, "release", actor, on_behalf_of=principal,
                     data={"revision": revision,
                           "departments": [d.code for d in departments]})
    WorkPackage.objects.bulk_create([
        WorkPackage(order=order, department=dept, status=Package.PLANNED, revision=revision,
                    special_requirements=requirements, due_date=order.delivery_date,
                    released_at=now, updated_at=now, updated_by=actor)
        for dept in departments])
    members = User.objects.filter(department__in=departments, is_active=True)
    notify(recipients=list(members), kind="release.released",
           title=gettext_lazy("Order %(number)s is released to your department"),
           params={"number": order.number},
           body=_special_requirements_note(requirements), url=f"/orders/{order.pk}/")
    return order


def _special_requirements_note(requirements: list[dict]) -> str:
    if not requirements:
        return ""
    return "\n".join(["⚠ " + r["description"] for r in requirements])


@transaction.atomic
def release_route_set(*, actor, order_type: str, departments) -> ReleaseRoute:
    """Which departments get a work package when an order of this type is released (P11).

    Raises:
        NotPermitted (not a system admin), ValidationFailed (unknown type or department,
        none given).
    """
    if not is_system_admin(actor):
        raise NotPermitted()
    errors = Errors()
    order_type = errors.choice("order_type", order_type, OrderType.choices)
    codes: list[str] = []
    if not isinstance(departments, list | tuple) or not departments:
        errors.add("departments", _("Choose at least one department."))
        departments = []
    for code in departments:
        code = str(code or "").strip()
        if code not in PACKAGE_DEPARTMENTS:
            errors.add("departments", _("“%(code)s” is not a department that executes "
                                        "orders.") % {"code": code})
        elif code not in codes:
            codes.append(code)
    errors.raise_if_any()
    route = ReleaseRoute.objects.select_for_update().filter(order_type=order_type).first()
    before = list(route.departments) if route else []
    route = route or ReleaseRoute(order_type=order_type)
    route.departments, route.updated_at, route.updated_by = codes, clock.now(), actor
    route.save()
    audit.record(actor, "release.route_set", route,
                 data={"order_type": order_type, "before": before, "after": codes})
    return route


DEPARTMENT_CHOICES = [(code, DEPT_LABELS.get(code, code)) for code in PACKAGE_DEPARTMENTS]
