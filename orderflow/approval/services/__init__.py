"""Approval writes (P4.1).

Importing this package (ApprovalConfig.ready) registers the approval engine with the
order lifecycle: the "order" subject, the action handlers (sign_off, reject_approval,
resubmit_approval), the approver rule, voiding on a commercial edit, and the visibility
of orders to their approvers and deputies.
"""

from orderflow.orders.domain.lifecycle import Actor
from orderflow.orders.permissions import ACTOR_RULES, VISIBILITY_EXTENSIONS
from orderflow.orders.services import COMMERCIAL_EDIT_HOOKS

from ..permissions import approval_visibility_q, is_current_approver, is_sales_head_deputy
from .acts import task_approve, task_reject, task_return
from .chains import chain_save
from .engine import approval_start
from .orders import (
    approval_reject,
    approval_resubmit,
    order_sign_off,
    void_on_commercial_edit,
)

# P4.1: the approver is whoever holds (or stands in today for the holder of) a waiting
# task of the order; awaiting sign-off, the Sales head or deputy (who may refuse to sign).
ACTOR_RULES[Actor.APPROVER] = is_current_approver
# P4.1 delegation: the Sales head's deputy signs for them (recorded as on behalf of).
ACTOR_RULES[Actor.SALES_HEAD] = ACTOR_RULES[Actor.SALES_HEAD] | is_sales_head_deputy
if void_on_commercial_edit not in COMMERCIAL_EDIT_HOOKS:
    COMMERCIAL_EDIT_HOOKS.append(void_on_commercial_edit)
if approval_visibility_q not in VISIBILITY_EXTENSIONS:
    VISIBILITY_EXTENSIONS.append(approval_visibility_q)

__all__ = [
    "approval_reject", "approval_resubmit", "approval_start", "chain_save", "order_sign_off",
    "task_approve", "task_reject", "task_return",
]
