"""Writing the audit log: called inside the service's transaction, after its changes."""

from django.db import transaction

from orderflow.core import clock
from orderflow.core.request_context import current_request_id

from .domain import event_hash
from .models import AuditChainHead, AuditEvent


def hashed_content(event: AuditEvent) -> dict:
    """The fields the hash covers, in a stable form."""
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "on_behalf_of": event.on_behalf_of_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id),
        "object_repr": event.object_repr,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "data": event.data,
        "request_id": event.request_id,
    }


def record(actor, action: str, obj, *, from_state: str = "", to_state: str = "",
           data: dict | None = None, on_behalf_of=None) -> AuditEvent:
    """Append one event to the chain; must run inside the caller's transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_id=getattr(actor, "pk", None),
        on_behalf_of_id=getattr(on_behalf_of, "pk", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        from_state=from_state or "",
        to_state=to_state or "",
        data=_jsonable(data or {}),
        request_id=current_request_id(),
    )
    if not _append_after_known_head(connection, event):
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        _chain(event, head.last_seq, head.last_hash)
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    event.save(force_insert=True)
    connection.orderflow_audit_head = (event.seq, event.hash)
    return event


def _chain(event: AuditEvent, last_seq: int, last_hash: str) -> None:
    event.seq, event.prev_hash = last_seq + 1, last_hash
    event.hash = event_hash(event.prev_hash, hashed_content(event))


def _append_after_known_head(connection, event: AuditEvent) -> bool:
    """Advance the chain head from the head this connection last wrote, in one statement
    that also locks it; False if the head moved since (another transaction, a rolled-back
    savepoint) or is unknown: the caller then locks and reads it. The remembered head is
    only a guess checked by the database, never trusted."""
    known = getattr(connection, "orderflow_audit_head", None)
    if known is None:
        return False
    _chain(event, *known)
    return AuditChainHead.objects.filter(pk=1, last_seq=known[0], last_hash=known[1]).update(
        last_seq=event.seq, last_hash=event.hash) == 1


def _jsonable(value):
    """JSON-safe copy (Decimals and dates become strings) so the hash is reproducible."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
