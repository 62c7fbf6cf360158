"""Who may work on leads and on the preliminary check (P2)."""

import rules

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.permissions import (
    is_management,
    is_marketing,
    is_sales,
    is_sales_head,
    is_system_admin,
)
from orderflow.orders.permissions import is_order_owner


@rules.predicate
def is_lead_assignee(user, lead) -> bool:
    return lead is not None and lead.assigned_to_id == user.pk


@rules.predicate
def is_lead_creator(user, lead) -> bool:
    return lead is not None and lead.created_by_id == user.pk


@rules.predicate
def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


# P2.1.2: Marketing or anyone captures leads; Sales heads (and Marketing) assign them.
rules.add_perm("intake.add_lead", is_active_user)
rules.add_perm("intake.assign_lead", is_sales_head | is_marketing | is_system_admin)
# Whoever captured or holds a lead may correct it; so may those who assign leads.
rules.add_perm("intake.change_lead", is_lead_creator | is_lead_assignee | is_sales_head
               | is_marketing | is_system_admin)
rules.add_perm("intake.follow_up_lead", is_lead_assignee | is_sales_head)
rules.add_perm("intake.convert_lead", (is_lead_assignee & is_sales) | is_sales_head)
rules.add_perm("intake.drop_lead", is_lead_assignee | is_sales_head)
# P2.3.2: the order's salesperson talks to the customer.
rules.add_perm("intake.log_communication", is_order_owner)


def lead_visibility_q(user):
    from django.db.models import Q

    if not is_active_user(user):
        return Q(pk__in=[])
    if is_system_admin(user) or is_management(user) or is_marketing(user) or \
            is_sales_head(user):
        return Q()
    if user.dept_code == Dept.SALES:
        return Q(assigned_to_id=user.pk) | Q(created_by_id=user.pk)
    return Q(created_by_id=user.pk)
