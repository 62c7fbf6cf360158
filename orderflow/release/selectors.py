"""Reading work packages (P5, P6.1.2): per order, per department workspace, one package."""

from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils.translation import gettext as _

from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, ValidationFailed
from orderflow.orders.permissions import visibility_q

from .domain.packages import Package, is_late, package_actions
from .models import PackageStatus, WorkPackage
from .permissions import working_department_ids, workspace_departments


def _mark(packages: list[WorkPackage], user=None) -> list[WorkPackage]:
    """Set is_late, is_blocked (and, given a user, may_act and actions) on each package."""
    today = clock.today()
    working = working_department_ids(user) if user is not None and packages else set()
    for package in packages:
        package.is_late = is_late(status=package.status, due_date=package.due_date,
                                  today=today)
        package.is_blocked = package.status == Package.BLOCKED
        if user is not None:
            package.may_act = package.department_id in working
            package.actions = package_actions(package.status) if package.may_act else []
    return packages


def packages_for(user, order) -> list[WorkPackage]:
    """The order's work packages in route order (the order page's execution panel);
    the caller has already fetched the order as visible to the user."""
    packages = list(WorkPackage.objects.filter(order_id=order.pk)
                    .select_related("department", "updated_by").order_by("id"))
    for package in packages:
        package.order = order
    return _mark(packages, user)


def package_for(user, package_id: int) -> WorkPackage:
    """One package; NotFound if it does not exist or its order is invisible to the user."""
    package = (WorkPackage.objects.select_related("order", "order__customer", "department",
                                                  "updated_by")
               .filter(pk=package_id, order__in=_visible_orders(user)).first())
    if package is None:
        raise NotFound(_("Work package not found."))
    return _mark([package], user)[0]


def _visible_orders(user):
    from orderflow.orders.models import Order

    return Order.objects.filter(visibility_q(user)).values("pk")


def workspace(user, *, dept: str | None = None, status: str | None = None,
              limit: int = 100) -> list[WorkPackage]:
    """A department's packages (P6.1.2): late first (not done, due date passed), then
    blocked, then by due date. `dept` defaults to the user's own department.

    Raises:
        NotPermitted: the user may not open that department's workspace.
        ValidationFailed: unknown status.
    """
    dept = dept or getattr(user, "dept_code", None)
    allowed = workspace_departments(user)
    if not dept or (allowed is not None and dept not in allowed):
        raise NotPermitted(_("You may not open this department's workspace."))
    qs = WorkPackage.objects.filter(department__code=dept)
    if status:
        if status not in PackageStatus.values:
            raise ValidationFailed({"status": [_("Select a valid choice.")]})
        qs = qs.filter(status=status)
    today = clock.today()
    late = Q(due_date__lt=today) & ~Q(status=Package.DONE)
    qs = (qs.annotate(late_first=Case(When(late, then=Value(True)), default=Value(False),
                                      output_field=BooleanField()))
          .select_related("order", "order__customer", "department")
          .order_by(F("late_first").desc(),
                    Case(When(status=Package.BLOCKED, then=Value(0)),
                         When(status=Package.DONE, then=Value(2)), default=Value(1)),
                    F("due_date").asc(nulls_last=True), "id"))
    return _mark(list(qs[:max(1, min(int(limit), 500))]), user)
