"""Who may act in release (P4.2) and on a work package (P5): checked in the services."""

import rules
from django.db.models import Exists, Q

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation, User
from orderflow.accounts.permissions import is_management, is_sales_head, is_system_admin
from orderflow.accounts.selectors import acting_for, delegators_of, department_head
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State

from .models import WorkPackage


def release_on_behalf_of(actor) -> int | None:
    """Whom a release is done for: None for the Sales head, the head's id for their deputy
    today (P4.1 delegation; the lifecycle table already checked that the actor may)."""
    if is_sales_head(actor):
        return None
    head = department_head(Dept.SALES)
    if head is None:
        return None
    return acting_for(actor, [head.pk], on=clock.today())[1]


def package_authority(user, package: WorkPackage) -> tuple[bool, int | None]:
    """Whether the user works on the package (P5): (True, None) as a member of its
    department, (True, principal id) as deputy today of one of its members."""
    if not user or not user.is_authenticated or not user.is_active:
        return False, None
    if user.department_id is not None and user.department_id == package.department_id:
        return True, None
    principals = delegators_of(user, on=clock.today())
    if not principals:
        return False, None
    principal = (User.objects.filter(pk__in=principals, is_active=True,
                                     department_id=package.department_id)
                 .order_by("id").values_list("pk", flat=True).first())
    return principal is not None, principal


def may_work_on(user, package: WorkPackage) -> bool:
    return package_authority(user, package)[0]


def working_department_ids(user) -> set[int]:
    """Ids of the departments whose packages the user works on: their own, and today
    those of the members they are deputy for (two queries at most, for a list)."""
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    ids = {user.department_id} if user.department_id else set()
    principals = delegators_of(user, on=clock.today())
    if principals:
        ids |= set(User.objects.filter(pk__in=principals, is_active=True,
                                       department__isnull=False)
                   .values_list("department_id", flat=True))
    return ids


def sees_every_workspace(user) -> bool:
    """System admins, management and the Sales head (P6.1.1 overall tracking)."""
    return bool(is_system_admin(user) or is_management(user) or is_sales_head(user))


def workspace_departments(user) -> set[str] | None:
    """Department codes whose workspace the user may open; None means every one."""
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    if sees_every_workspace(user):
        return None
    codes = {user.dept_code} if user.dept_code else set()
    principals = delegators_of(user, on=clock.today())
    if principals:
        codes |= set(User.objects.filter(pk__in=principals, is_active=True,
                                          department__isnull=False)
                     .values_list("department__code", flat=True))
    return codes


def release_visibility_q(user) -> Q:
    """Orders a user sees because of release work (orders.permissions.VISIBILITY_EXTENSIONS):
    the Sales head's deputy today sees approved orders (to release them, P4.2.1); a deputy
    of a department member sees the orders with a package of that department (P5).
    Subqueries only."""
    today = clock.today()
    delegations = Delegation.objects.filter(deputy_id=user.pk, starts_on__lte=today,
                                            ends_on__gte=today, revoked_at__isnull=True,
                                            principal__is_active=True)
    signing = delegations.filter(principal__department__code=Dept.SALES,
                                 principal__role_rows__role=Role.DEPT_HEAD)
    departments = delegations.filter(principal__department__isnull=False)
    packages = WorkPackage.objects.filter(
        department_id__in=departments.values("principal__department_id")).values("order_id")
    return (Q(status=State.APPROVED) & Q(Exists(signing))) | Q(pk__in=packages)


rules.add_perm("release.manage_settings", is_system_admin)
