"""Order writes: every change goes through one of these (STYLE: the one recipe)."""

from .attachments import attachment_add, attachment_remove
from .lifecycle import (
    ACTION_HANDLERS,
    COMMERCIAL_EDIT_HOOKS,
    OrderOf,
    apply_transition,
    lock_order,
    order_take_action,
    order_transition,
    register_action,
)
from .orders import order_create, order_duplicate, order_update

__all__ = [
    "ACTION_HANDLERS", "COMMERCIAL_EDIT_HOOKS", "OrderOf", "apply_transition", "attachment_add",
    "attachment_remove", "lock_order", "order_create", "order_duplicate", "order_take_action",
    "order_transition", "order_update", "register_action",
]
