"""Taking a lifecycle action: lock, check who, check the table, change, audit, notify."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed

from ..domain.lifecycle import (
    ACTIONS,
    RESUME,
    Actor,
    IllegalTransition,
    is_side_path_start,
    resolve_target,
)
from ..labels import ACTION_LABELS, STATE_LABELS
from ..models import Order
from ..permissions import may_take, part_visibility_q, role_visibility_q

# action -> service taking (order_id=, actor=, reason=, **fields); filled by each capability.
ACTION_HANDLERS: dict[str, Callable[..., Order]] = {}
# Called as hook(order=, actor=, changes=) inside the edit's transaction when an order
# under approval has a commercial field changed (P4.1: the approvals are voided).
COMMERCIAL_EDIT_HOOKS: list[Callable[..., None]] = []


def register_action(action: str):
    """Declare the service that performs a table action (UI and API dispatch to it)."""
    if action not in ACTIONS:
        raise KeyError(action)

    def decorator(func):
        ACTION_HANDLERS[action] = func
        return func

    return decorator


@dataclass(frozen=True)
class OrderOf:
    """The order of one record (`records` selects it; `field` leads to its order id), to
    lock without a read of its own: the id is a subquery of the locking statement.
    `missing` is the NotFound message when there is no such record."""

    records: QuerySet
    missing: str
    field: str = "order_id"


def lock_order(order_id: "int | OrderOf", actor) -> Order:
    """The order, row-locked until commit; NotFound if absent or invisible to the actor.

    `order_id` may be an OrderOf: the order of a record (a task, an opinion, a package),
    found and locked in one statement; NotFound(missing) if the record does not exist."""
    if isinstance(order_id, OrderOf):
        ref = order_id
        try:
            return lock_order(Subquery(ref.records.order_by().values(ref.field)[:1]), actor)
        except NotFound:
            if not ref.records.exists():
                raise NotFound(ref.missing) from None
            raise
    # Most actors see the order by their department or role: one simple statement. Only
    # if not are the (subquery-heavy) visibility extensions asked, without locking.
    base = role_visibility_q(actor)
    order = _locked(Order.objects.filter(base, pk=order_id))
    if order is None and base != Q() and \
            Order.objects.filter(part_visibility_q(actor), pk=order_id).exists():
        order = _locked(Order.objects.filter(pk=order_id))
    if order is None:
        raise NotFound(_("Order not found."))
    return order


def _locked(orders: QuerySet) -> Order | None:
    """The one order `orders` selects, row-locked; unordered (one row by its key: an ORDER
    BY would only cost the compiler time on the hottest statement of every action)."""
    return next(iter(orders.select_for_update(of=("self",)).order_by()[:1]), None)


def apply_transition(order: Order, action: str, actor, *, target: str | None = None,
                     reason: str = "", data: dict | None = None, on_behalf_of=None,
                     system: bool = False) -> Order:
    """Move a locked order along the table and write the audit event.

    `system=True` is for the actions the table gives to the SYSTEM (a review concluding,
    an approval chain completing or being voided): the service that derives them has
    already checked the person whose act triggered them, who is recorded as the actor.

    Raises:
        NotPermitted: the actor is not who the table names for this action.
        TransitionNotAllowed: the table does not allow the action from this state.
        ValidationFailed: the action needs a reason and none was given.
    """
    if system:
        if ACTIONS.get(action) is None or ACTIONS[action].by != Actor.SYSTEM:
            raise NotPermitted()
    elif not may_take(actor, action, order):
        raise NotPermitted()
    from_state = order.status
    try:
        to_state = resolve_target(from_state, action, target=target,
                                  resume_state=order.resume_status)
    except IllegalTransition as exc:
        raise TransitionNotAllowed(
            _("“%(action)s” is not allowed while the order is “%(state)s”.") % {
                "action": ACTION_LABELS.get(action, action),
                "state": STATE_LABELS.get(from_state, from_state)}) from exc
    reason = (reason or "").strip()
    if ACTIONS[action].needs_reason and not reason:
        raise ValidationFailed({"reason": [_("Please give a reason.")]})
    if is_side_path_start(action):
        order.resume_status = from_state
    elif ACTIONS[action].targets[0] == RESUME:
        order.resume_status = ""
    order.status = to_state
    order.updated_at = clock.now()
    order.version += 1
    order.save(update_fields=["status", "resume_status", "updated_at", "version"])
    audit.record(actor, f"order.{action}", order, from_state=from_state, to_state=to_state,
                 data={**({"reason": reason} if reason else {}), **(data or {})},
                 on_behalf_of=on_behalf_of)
    return order


@transaction.atomic
def order_transition(*, order_id: int, action: str, actor, reason: str = "") -> Order:
    """A table action with no work of its own beyond the state change (cancel, reopen...)."""
    order = lock_order(order_id, actor)
    return apply_transition(order, action, actor, reason=reason)


for _simple in ("cancel", "reopen", "renegotiate"):
    ACTION_HANDLERS[_simple] = partial(order_transition, action=_simple)


def order_take_action(*, order_id: int, action: str, actor, **fields) -> Order:
    """Dispatch a named action to its service (the UI's buttons and the API's actions)."""
    handler = ACTION_HANDLERS.get(action)
    if handler is None:
        if action in ACTIONS:
            raise TransitionNotAllowed(_("This action is not available yet."))
        raise NotFound(_("Unknown action."))
    return handler(order_id=order_id, actor=actor, **_accepted(handler, fields))


def _accepted(handler, fields: dict) -> dict:
    """The fields a handler takes: a generic caller (a form, the API) may send a comment
    or reason to an action that has none, which is not an error."""
    params = inspect.signature(handler).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fields
    return {name: value for name, value in fields.items() if name in params}
