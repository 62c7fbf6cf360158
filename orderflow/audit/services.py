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
    """Write one event; must run inside the caller's transaction, and commits or rolls back
    with it. It is chained later by `seal` (P1.3.2): a write never waits on the chain's
    head, so no two transactions serialise or deadlock on it, whatever else they lock."""
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
    event.save(force_insert=True)
    return event


SEAL_BATCH = 2000


def seal(*, batch_size: int = SEAL_BATCH) -> int:
    """Chain every committed event not chained yet, in the order they were written (id),
    after the chain's head: each gets its sequence number, the previous hash and its hash.
    Returns how many were sealed.

    Run by the worker every minute (audit.tasks) and before every verification. Several
    sealers at once take turns on the head's row lock; an event whose transaction commits
    after a batch was read is sealed by the next one. Call it outside any other service's
    transaction: it locks the head."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            events = list(AuditEvent.objects.filter(seq__isnull=True)
                          .order_by("id")[:batch_size])
            last_seq, last_hash = head.last_seq, head.last_hash
            for event in events:
                _chain(event, last_seq, last_hash)
                last_seq, last_hash = event.seq, event.hash
            if events:
                AuditEvent.objects.bulk_update(events, ["seq", "prev_hash", "hash"],
                                               batch_size=500)
                head.last_seq, head.last_hash = last_seq, last_hash
                head.save(update_fields=["last_seq", "last_hash"])
        sealed += len(events)
        if len(events) < batch_size:
            return sealed


def _chain(event: AuditEvent, last_seq: int, last_hash: str) -> None:
    event.seq, event.prev_hash = last_seq + 1, last_hash
    event.hash = event_hash(event.prev_hash, hashed_content(event))


def _jsonable(value):
    """JSON-safe copy (Decimals and dates become strings) so the hash is reproducible."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
