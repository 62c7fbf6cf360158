"""Reading the audit log: per-object timelines and chain verification."""

from dataclasses import dataclass

from .domain import GENESIS, event_hash
from .models import AuditChainHead, AuditEvent
from .services import hashed_content


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None
    reason: str
    unsealed: int = 0  # events written but not chained yet (services.seal)

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def events_for(obj_type: str, object_ids, *, limit: int = 200):
    """Newest-first events of one object (or several ids of one type), bounded."""
    ids = [str(i) for i in object_ids]
    return (AuditEvent.objects.filter(object_type=obj_type, object_id__in=ids)
            .select_related("actor", "on_behalf_of").order_by("-id")[:limit])


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Recompute every sealed event's hash in order; name the first that does not match.
    Events not sealed yet are counted, not checked (seal first: services.seal). The head
    is read first, so events a sealer chains meanwhile are left to the next run."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    head_seq = head[0] if head else 0
    prev_hash, expected_seq, checked, last_seq = GENESIS, 1, 0, 0
    while last_seq < head_seq:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq, seq__lte=head_seq)
                     .order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return ChainReport(checked, expected_seq, "missing event")
            if event.prev_hash != prev_hash:
                return ChainReport(checked, event.seq, "previous hash does not match")
            if event_hash(event.prev_hash, hashed_content(event)) != event.hash:
                return ChainReport(checked, event.seq, "content does not match its hash")
            prev_hash, expected_seq, last_seq, checked = event.hash, event.seq + 1, event.seq, \
                checked + 1
    if head and (last_seq != head_seq or prev_hash != head[1]):
        return ChainReport(checked, last_seq + 1, "events after this point were removed")
    if not head and AuditEvent.objects.filter(seq__isnull=False).exists():
        return ChainReport(0, 1, "the chain's head is missing")
    return ChainReport(checked, None, "", AuditEvent.objects.filter(seq__isnull=True).count())
