"""Who may see and act on an order (P1.3.2). Checked in services, never only in views."""

import rules
from django.db.models import Q

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.permissions import (
    is_division_leader,
    is_general_manager,
    is_management,
    is_sales_head,
    is_system_admin,
)

from .domain.lifecycle import ACTIONS, Actor, State, is_approval_bound, is_editable

# Departments that see an order once it leaves Sales for review (P3.3.1) and execution (P5).
_PRE_REVIEW = [State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
               State.DECLINED]
_REVIEWING_DEPTS = {Dept.PRODUCTION, Dept.TECHNOLOGY, Dept.QUALITY, Dept.PROCUREMENT,
                    Dept.LOGISTICS}
_ARCHIVE_STATES = [State.SETTLED, State.ARCHIVED]
# P9.2.1: an archived order is seen only by Sales (owner, head), Archive, management and
# system admins; anyone else needs an approved query (an extension with covers_archived).
_NOT_ARCHIVED = ~Q(status=State.ARCHIVED)


# Further orders a user may see because of their part in them (e.g. an approval task
# assigned to them, or to someone they are deputy for); each capability registers its own.
VISIBILITY_EXTENSIONS: list = []


def visibility_q(user) -> Q:
    """The orders a user may see, as a filter; invisible orders answer 404."""
    base = role_visibility_q(user)
    if base == Q():
        return base
    return base | part_visibility_q(user)


def role_visibility_q(user) -> Q:
    """What the user's department and roles let them see (simple, no subqueries)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return _base_visibility_q(user)


def part_visibility_q(user) -> Q:
    """What the user sees because of their part in an order (the registered extensions).
    Only an extension marked `covers_archived` may show an archived order (P9.2.1)."""
    base = Q(pk__in=[])
    if not user or not user.is_authenticated or not user.is_active:
        return base
    for extension in VISIBILITY_EXTENSIONS:
        extra = extension(user)
        base |= extra if getattr(extension, "covers_archived", False) else extra & _NOT_ARCHIVED
    return base


def _base_visibility_q(user) -> Q:
    if user.is_superuser or user.has_role(Role.SYSTEM_ADMIN, Role.DIVISION_LEADER,
                                          Role.GENERAL_MANAGER):
        return Q()
    dept = user.dept_code
    if dept == Dept.SALES:
        if user.has_role(Role.DEPT_HEAD):
            return Q()
        return Q(salesperson_id=user.pk) | Q(created_by_id=user.pk)
    if dept == Dept.FINANCE:
        return ~Q(status__in=[State.DRAFT, State.ARCHIVED])
    if dept in _REVIEWING_DEPTS:
        return ~Q(status__in=[*_PRE_REVIEW, State.ARCHIVED])
    if dept == Dept.ARCHIVE:
        return Q(status__in=_ARCHIVE_STATES)
    if dept == Dept.MARKETING:
        from orderflow.intake.models import Lead

        return Q(lead_id__in=Lead.objects.filter(created_by_id=user.pk).values("id")) \
            & _NOT_ARCHIVED
    return Q(pk__in=[])


@rules.predicate
def is_order_owner(user, order) -> bool:
    return bool(order is not None and user.is_authenticated and
                (order.salesperson_id == user.pk or is_sales_head(user)))


@rules.predicate
def is_editable_state(user, order) -> bool:
    return order is not None and (is_editable(order.status) or is_approval_bound(order.status))


@rules.predicate
def never(user, order=None) -> bool:
    """Not a person's action (derived by the system), or not yet open to anyone."""
    return False


# Who each Actor of the lifecycle table is. Later capabilities (review, approval,
# execution, settlement, archive) replace `never` with their own rules.
ACTOR_RULES = {
    Actor.SALES_OWNER: is_order_owner,
    Actor.SALES_HEAD: is_sales_head,
    Actor.MANAGEMENT: is_division_leader | is_general_manager,
    Actor.REVIEWER: never,
    Actor.APPROVER: never,
    Actor.DEPARTMENT: never,
    Actor.FINANCE: never,
    Actor.ARCHIVIST: never,
    Actor.SYSTEM: never,
}


def may_take(user, action: str, order) -> bool:
    """Whether the user is the one the table names for this action."""
    transition = ACTIONS.get(action)
    return bool(transition and ACTOR_RULES[transition.by].test(user, order))


rules.add_perm("orders.create_order", rules.is_authenticated & (
    rules.predicate(lambda u: u.dept_code == Dept.SALES)))
rules.add_perm("orders.change_order", is_order_owner & is_editable_state)
rules.add_perm("orders.add_attachment", is_order_owner | is_management)
rules.add_perm("orders.view_all_orders", is_system_admin | is_management | is_sales_head)
