"""The integrity check against the audit log (P9.1.1, P1.3.2): someone who rewrites a
document's bytes, its row and the dossier's manifest hash consistently, straight in the
database and storage, is still found: the manifest recorded in the hash-chained event
"archive.dossier_created" no longer matches."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.archive.domain.dossier import manifest_hash, sha256_hex
from orderflow.archive.models import Dossier, DossierCheck, DossierDocument
from orderflow.archive.services.integrity import archive_verify, dossier_verify
from orderflow.audit.domain import event_hash
from orderflow.audit.models import AuditEvent
from orderflow.audit.services import hashed_content

from .conftest import archived_order

pytestmark = pytest.mark.django_db

FORGED = b"%PDF-1.4\n% a contract with other terms\n%%EOF\n"


def _problems(dossier_pk: int) -> set[tuple[str, str]]:
    return {(f.document, f.problem) for f in dossier_verify(Dossier.objects.get(pk=dossier_pk))}


def _rewrite_consistently(dossier: Dossier) -> str:
    """As an attacker with the database and the storage would: new bytes for the contract,
    its row's SHA-256 and size to match, and the dossier's manifest hash recomputed."""
    contract = dossier.documents.get(kind="contract")
    default_storage.delete(contract.file.name)
    default_storage.save(contract.file.name, ContentFile(FORGED))
    DossierDocument.objects.filter(pk=contract.pk).update(sha256=sha256_hex(FORGED),
                                                          size=len(FORGED))
    dossier = Dossier.objects.get(pk=dossier.pk)
    rows = [{"position": d.position, "kind": d.kind, "title": d.title, "path": d.file.name,
             "size": d.size, "sha256": d.sha256, "source": d.source,
             "holds_prices": d.holds_prices} for d in dossier.documents.all()]
    fields = {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}
    forged = manifest_hash(fields, rows)
    Dossier.objects.filter(pk=dossier.pk).update(manifest_sha256=forged)
    return forged


def _created_event(dossier: Dossier) -> AuditEvent:
    return AuditEvent.objects.get(action="archive.dossier_created", object_id=str(dossier.pk))


def test_an_untouched_dossier_matches_its_audit_record(archived):
    assert dossier_verify(archived.dossier) == []


def test_a_consistent_rewrite_is_found_through_the_audit_record(archived, capsys):
    # Given the contract, its row and the manifest hash rewritten to agree with each other
    _rewrite_consistently(archived.dossier)
    # Then the rows agree with the files, but not with what was recorded at archiving
    assert _problems(archived.dossier.pk) == {("", "manifest_not_as_recorded")}
    # And the command reports it (exit code 1) and records the failed check
    with pytest.raises(SystemExit) as exc:
        call_command("archive_verify", order=archived.number)
    assert exc.value.code == 1
    assert f"{archived.dossier.number}\tmanifest_not_as_recorded" in capsys.readouterr().out
    check = DossierCheck.objects.filter(dossier=archived.dossier).order_by("-id").first()
    assert (check.intact, check.findings) == (
        False, [{"document": "", "problem": "manifest_not_as_recorded"}])


def test_a_missing_audit_record_is_reported(archived):
    _created_event(archived.dossier).delete()
    assert _problems(archived.dossier.pk) == {("", "audit_record_missing")}


def test_a_rewritten_audit_record_is_reported(archived):
    # Given the rewrite above, and the event's recorded manifest changed to match it
    forged = _rewrite_consistently(archived.dossier)
    event = _created_event(archived.dossier)
    AuditEvent.objects.filter(pk=event.pk).update(
        data={**event.data, "manifest_sha256": forged})
    # Then the event no longer matches its hash
    assert _problems(archived.dossier.pk) == {("", "audit_record_altered")}


@pytest.mark.parametrize("followed", [False, True])
def test_a_rehashed_audit_record_breaks_the_chain_and_is_reported(
        followed, people, customer, products):
    # Given an event rewritten with its own hash recomputed (the last of the chain, or
    # followed by the events of a later archiving)
    order = archived_order(people["owner"], customer, products)
    if followed:
        archived_order(people["owner"], customer, products)
    forged = _rewrite_consistently(order.dossier)
    event = _created_event(order.dossier)
    event.data = {**event.data, "manifest_sha256": forged}
    event.hash = event_hash(event.prev_hash, hashed_content(event))
    event.save(update_fields=["data", "hash"])
    # Then the chain no longer leads to it
    assert _problems(order.dossier.pk) == {("", "audit_record_altered")}


def test_changed_notes_are_reported(archived):
    # The notes are outside the manifest (that would change every earlier manifest);
    # the audit record holds them.
    Dossier.objects.filter(pk=archived.dossier.pk).update(notes=["一切齐全"])
    assert _problems(archived.dossier.pk) == {("", "notes_not_as_recorded")}


def _reads(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT")
               and f'FROM "{table}"' in q["sql"])


def test_the_batch_check_reads_the_audit_records_per_batch(people, customer, products):
    orders = [archived_order(people["owner"], customer, products) for _ in range(3)]
    _rewrite_consistently(orders[1].dossier)
    with CaptureQueriesContext(connection) as queries:
        results = [(d.pk, [f.problem for f in found])
                   for d, found in archive_verify(batch=10)]
    assert results == [(orders[0].dossier.pk, []),
                       (orders[1].dossier.pk, ["manifest_not_as_recorded"]),
                       (orders[2].dossier.pk, [])]
    # the seal's read of unsealed events, then one batch: its events and their successors,
    # its documents, whatever its size
    assert _reads(queries.captured_queries, "audit_auditevent") == 3
    assert _reads(queries.captured_queries, "archive_dossierdocument") == 1


def test_a_record_sealed_after_the_head_was_read_is_not_reported_altered(archived):
    # the nightly check read the chain's head; the worker then sealed more (P9.1.1)
    from orderflow.archive.services.integrity import _authentic

    event = _created_event(archived.dossier)
    older_head = (event.seq - 1, "0" * 64)
    assert _authentic(event, {}, older_head)
    # but its own hash must still hold
    event.data = {**event.data, "manifest_sha256": "f" * 64}
    assert not _authentic(event, {}, older_head)
