"""Who may act in settlement (P7): checked in the services, never only in views.

Sales (the order's salesperson or the Sales head) builds the statement, reconciles with
the customer, submits it for audit and works disputes (P7.1.2, P7.2.3); Finance (staff or
head) audits through the approval chain, issues and voids invoices and records receipts
(P7.2.2). Who sees the order and may see prices (P9.2.2: Sales, Finance, Management by
default) sees its settlement; the others (Production, Quality...) do not.
"""

import rules
from django.utils.translation import gettext as _

from orderflow.accounts.permissions import (
    is_finance,
    is_management,
    is_sales_head,
    is_system_admin,
)
from orderflow.archive.permissions import may_see_prices
from orderflow.core.errors import NotPermitted
from orderflow.orders.permissions import is_order_owner


@rules.predicate
def is_finance_member(user, order=None) -> bool:
    """A member of Finance (staff or head): Finance's own actions (P7.2.2)."""
    return bool(user and user.is_authenticated and user.is_active and is_finance(user))


def may_work_sales_side(user, order) -> bool:
    """The order's salesperson or the Sales head (P7.1.2, P7.2.3)."""
    return bool(user and user.is_authenticated and user.is_active
                and is_order_owner(user, order))


def may_work_finance_side(user, order=None) -> bool:
    return bool(is_finance_member(user, order))


def may_see_settlement(user) -> bool:
    """Statements, invoices, receipts and settlement records carry prices (P9.2.2)."""
    return may_see_prices(user)


def require_settlement_view(user) -> None:
    """Raises NotPermitted for who may not see prices (P9.2.2)."""
    if not may_see_settlement(user):
        raise NotPermitted(_("The settlement holds prices, which your role may not see."))


def sees_all_receivables(user) -> bool:
    """Receivables and settlement records across customers: Finance, the Sales head,
    management and system admins."""
    return bool(user and user.is_authenticated and user.is_active and may_see_prices(user)
                and (is_finance(user) or is_sales_head(user) or is_management(user)
                     or is_system_admin(user)))


rules.add_perm("settlement.view_receivables", rules.predicate(sees_all_receivables))
