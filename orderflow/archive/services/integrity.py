"""The integrity check of the archive (P9.1.1): every document's SHA-256 and size
recomputed from storage, every dossier's manifest hash recomputed from its rows and
compared with the hash stored with it and with the one recorded in the hash-chained
audit log when it was archived (someone able to rewrite the archive's rows consistently
cannot rewrite that record without breaking the chain).

Each check is recorded (DossierCheck): pages and the API show the latest one and never
read the files themselves. The nightly task verifies the dossiers checked longest ago.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery

from orderflow.audit import services as audit
from orderflow.audit.domain import event_hash
from orderflow.audit.models import AuditChainHead, AuditEvent
from orderflow.audit.services import hashed_content
from orderflow.core import clock

from ..domain.dossier import manifest_hash, sha256_hex
from ..models import Dossier, DossierCheck, DossierDocument

CREATED = "archive.dossier_created"


@dataclass(frozen=True)
class Finding:
    dossier: str
    document: str       # "" for the dossier itself
    # missing_file | sha256_mismatch | size_mismatch | manifest_mismatch (rows changed) |
    # audit_record_missing | audit_record_altered | manifest_not_as_recorded (the stored
    # hash was rewritten too) | notes_not_as_recorded
    problem: str


@dataclass(frozen=True)
class Recorded:
    """What the audit log recorded when the dossier was archived."""

    manifest: str
    notes: list
    authentic: bool     # the event's hash covers its content and the chain links to it


def _document_findings(dossier: Dossier, document: DossierDocument) -> list[Finding]:
    try:
        with document.file.storage.open(document.file.name, "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return [Finding(dossier.number, document.file.name, "missing_file")]
    found = []
    if sha256_hex(content) != document.sha256:
        found.append(Finding(dossier.number, document.file.name, "sha256_mismatch"))
    if len(content) != document.size:
        found.append(Finding(dossier.number, document.file.name, "size_mismatch"))
    return found


def _manifest(dossier: Dossier, documents: list[DossierDocument]) -> str:
    # The dossier's notes are not covered: adding them would change the manifest of every
    # dossier archived before; they are compared with the audit record instead.
    fields = {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}
    rows = [{"position": d.position, "kind": d.kind, "title": d.title, "path": d.file.name,
             "size": d.size, "sha256": d.sha256, "source": d.source,
             "holds_prices": d.holds_prices} for d in documents]
    return manifest_hash(fields, rows)


def recorded_manifests(dossier_ids: Iterable[int]) -> dict[int, Recorded]:
    """The archiving's audit record of each dossier (absent: none), in three queries."""
    # The head first: an event appended after it is read is then found as a successor.
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    events = {}
    for event in (AuditEvent.objects.filter(
            action=CREATED, object_type=Dossier._meta.label_lower,
            object_id__in=[str(i) for i in dossier_ids]).order_by("-id")):
        events[int(event.object_id)] = event        # the first one, should there be more
    following = dict(AuditEvent.objects.filter(
        seq__in=[e.seq + 1 for e in events.values() if e.seq is not None])
        .values_list("seq", "prev_hash"))
    return {pk: Recorded(manifest=e.data.get("manifest_sha256", ""),
                         notes=e.data.get("missing", []),
                         authentic=_authentic(e, following, head))
            for pk, e in events.items()}


def _authentic(event: AuditEvent, following: dict, head) -> bool:
    if event.seq is None:
        # Not sealed yet (within a minute of its writing, audit.services.seal): nothing to
        # check it against; the runs below seal first, so only the archiving's own check
        # meets one.
        return True
    if event_hash(event.prev_hash, hashed_content(event)) != event.hash:
        return False
    if event.seq + 1 in following:
        return following[event.seq + 1] == event.hash
    if head is None or event.seq > head[0]:
        # Sealed after the head was read (the worker seals every minute): its own hash
        # holds; its link is checked by the next run.
        return True
    return head == (event.seq, event.hash)      # the last event of the chain


def _record_findings(dossier: Dossier, manifest: str,
                     recorded: Recorded | None) -> list[Finding]:
    if recorded is None:
        return [Finding(dossier.number, "", "audit_record_missing")]
    found = [] if recorded.authentic else [Finding(dossier.number, "", "audit_record_altered")]
    # Rows changed under an unchanged stored hash: manifest_mismatch says it already.
    # Rows and stored hash rewritten to match each other: only the record tells.
    if manifest != recorded.manifest and dossier.manifest_sha256 != recorded.manifest:
        found.append(Finding(dossier.number, "", "manifest_not_as_recorded"))
    if list(dossier.notes or []) != list(recorded.notes or []):
        found.append(Finding(dossier.number, "", "notes_not_as_recorded"))
    return found


def _verify(dossier: Dossier, recorded: Recorded | None) -> list[Finding]:
    documents = sorted(dossier.documents.all(), key=lambda d: d.position)
    findings = [f for d in documents for f in _document_findings(dossier, d)]
    manifest = _manifest(dossier, documents)
    if manifest != dossier.manifest_sha256:
        findings.append(Finding(dossier.number, "", "manifest_mismatch"))
    return findings + _record_findings(dossier, manifest, recorded)


def dossier_verify(dossier: Dossier) -> list[Finding]:
    """What no longer matches in one dossier (empty: intact); reads every stored file."""
    return _verify(dossier, recorded_manifests([dossier.pk]).get(dossier.pk))


@transaction.atomic(savepoint=False)  # inside the archiving: no savepoint of its own
def dossier_check_record(dossier: Dossier, findings: list[Finding], *,
                         checked_at=None) -> DossierCheck:
    """Record a check of the dossier; problems found also go to the audit log."""
    check = DossierCheck.objects.create(
        dossier=dossier, checked_at=checked_at or clock.now(), intact=not findings,
        findings=[{"document": f.document, "problem": f.problem} for f in findings])
    if findings:
        audit.record(None, "archive.integrity_failed", dossier, data={
            "findings": check.findings[:50], "problems": len(findings)})
    return check


def dossier_last_check(dossier: Dossier) -> DossierCheck | None:
    """The latest recorded check of the dossier (None: never verified); reads no file."""
    return DossierCheck.objects.filter(dossier=dossier).order_by(
        "-checked_at", "-id").first()


def archive_verify(*, order_number: str | None = None,
                   batch: int = 200) -> Iterator[tuple[Dossier, list[Finding]]]:
    """Every dossier (or that of one order) with its findings, streamed in batches; each
    check is recorded. The audit events written until now are sealed first, so every
    archiving's record is checked against the chain."""
    audit.seal()
    dossiers = Dossier.objects.order_by("id")
    if order_number:
        dossiers = dossiers.filter(order_number=order_number.strip().upper())
    last = 0
    while chunk := list(dossiers.filter(pk__gt=last).prefetch_related("documents")[:batch]):
        recorded = recorded_manifests(d.pk for d in chunk)
        for dossier in chunk:
            findings = _verify(dossier, recorded.get(dossier.pk))
            dossier_check_record(dossier, findings)
            yield dossier, findings
        last = chunk[-1].pk


def verify_per_run() -> int:
    return int(getattr(settings, "ORDERFLOW_ARCHIVE_VERIFY_PER_RUN", 500))


def _due_ids(limit: int) -> list[int]:
    """The dossiers never checked, then those checked longest ago."""
    last = DossierCheck.objects.filter(dossier=OuterRef("pk")).order_by(
        "-checked_at").values("checked_at")[:1]
    return list(Dossier.objects.annotate(last_checked=Subquery(last))
                .order_by(F("last_checked").asc(nulls_first=True), "id")
                .values_list("pk", flat=True)[:limit])


def _check_one(dossier_id: int, since) -> list[Finding] | None:
    """Verify one dossier unless another run holds it or has checked it since `since`."""
    with transaction.atomic():
        checked = DossierCheck.objects.filter(dossier=OuterRef("pk"), checked_at__gt=since)
        dossier = (Dossier.objects.select_for_update(no_key=True, skip_locked=True)
                   .filter(pk=dossier_id).exclude(Exists(checked)).first())
        if dossier is None:
            return None
        findings = _verify(dossier, recorded_manifests([dossier.pk]).get(dossier.pk))
        dossier_check_record(dossier, findings)
        return findings


def archive_verify_due(*, limit: int | None = None) -> dict:
    """The nightly run: verify at most `limit` dossiers, those checked longest ago first
    (never checked first). Several workers may run it at once: each dossier is claimed
    (SKIP LOCKED) and skipped if another run has checked it meanwhile."""
    audit.seal()
    since, checked, problems = clock.now(), 0, 0
    for dossier_id in _due_ids(verify_per_run() if limit is None else limit):
        findings = _check_one(dossier_id, since)
        if findings is not None:
            checked, problems = checked + 1, problems + (1 if findings else 0)
    return {"checked": checked, "with_problems": problems}
