"""Archiving takes the year's dossier number last (after storing the files), gap-free;
the settlement file reads every dispute's negotiation log in one query (P9.1.1)."""

import datetime as dt
import json

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orderflow.archive.models import ArchiveSequence, Dossier, DossierCheck
from orderflow.archive.services import dossier as archiving
from orderflow.archive.services import order_archive
from orderflow.archive.services.integrity import dossier_verify
from orderflow.archive.sources.builtin import as_json
from orderflow.archive.sources.settlement import settlement_record
from orderflow.settlement.models import AdvanceRefund, Dispute, DisputeEntry

pytestmark = pytest.mark.django_db

ROW_INSERTS = ('INSERT INTO "archive_dossierdocument"', 'INSERT INTO "archive_dossierproduct"',
               'INSERT INTO "archive_dossiercheck"', 'INSERT INTO "archive_dossier"')


def test_the_number_is_taken_after_the_files_are_stored(people, settled, monkeypatch):
    steps = []
    store, sequence = archiving._store, archiving.next_dossier_sequence
    monkeypatch.setattr(archiving, "_store",
                        lambda *a: steps.append("store") or store(*a))
    monkeypatch.setattr(archiving, "next_dossier_sequence",
                        lambda year: steps.append("number") or sequence(year))
    with CaptureQueriesContext(connection) as queries:
        order_archive(order_id=settled.pk, actor=people["owner"])
    assert steps == ["store", "number"]
    # after the number: no more rows of the dossier are written, only its number
    sql = [q["sql"] for q in queries.captured_queries]
    taken = next(i for i, s in enumerate(sql) if "archive_archivesequence" in s)
    assert not [s for s in sql[taken:] if s.startswith(ROW_INSERTS)]
    # the manifest covers the final number, the files the order's folder
    dossier = Dossier.objects.get(order=settled)
    assert dossier.number == f"DA-{dossier.year}-000001"
    assert dossier_verify(dossier) == []
    assert all(d.file.name.startswith(f"archive/{dossier.year}/{settled.number}/")
               for d in dossier.documents.all())
    assert DossierCheck.objects.get(dossier=dossier).intact is True


def test_a_failed_archiving_gives_its_number_and_files_back(people, customer, products,
                                                           monkeypatch):
    from .conftest import settled_order

    first = settled_order(people["owner"], customer, products)
    stored, store = [], archiving._store

    def store_and_remember(files, folder, saved):
        rows = store(files, folder, saved)
        stored.extend(saved)
        return rows

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(archiving, "_store", store_and_remember)
    monkeypatch.setattr(archiving, "manifest_hash", broken)   # after the number is taken
    with pytest.raises(RuntimeError):
        order_archive(order_id=first.pk, actor=people["owner"])
    assert stored and not any(default_storage.exists(p) for p in stored)
    assert not Dossier.objects.exists() and not ArchiveSequence.objects.exists()
    monkeypatch.undo()
    second = settled_order(people["owner"], customer, products)
    order_archive(order_id=second.pk, actor=people["owner"])
    assert Dossier.objects.get().number.endswith("-000001")


def _old_disputes(order) -> list[dict]:
    """The settlement file's disputes as they were read before (one query per dispute)."""
    fields = ("happened_on", "channel", "summary", "outcome", "recorded_by_id", "recorded_at")
    return [{**d, "entries": list(Dispute.objects.get(pk=d["id"]).entries.order_by("id")
                                  .values(*fields))}
            for d in Dispute.objects.filter(order_id=order.pk).order_by("id").values(
                "id", "reason", "disputed_amount", "status", "legal_status", "case_number",
                "lawyer", "resolution", "opened_by_id", "opened_at")]


def test_disputes_and_their_logs_in_one_query(people, settled):
    owner, now = people["owner"], timezone.now()
    disputes = [Dispute.objects.create(order=settled, reason=f"拒付 {i}", disputed_amount="100",
                                       opened_by=owner, opened_at=now) for i in range(3)]
    for dispute, count in zip(disputes, (2, 0, 3), strict=True):
        for day in range(count, 0, -1):     # logged out of date order: kept by id
            DisputeEntry.objects.create(
                dispute=dispute, happened_on=dt.date(2026, 12, day), channel="phone",
                summary=f"协商 {day}", recorded_by=owner, recorded_at=now)
    with CaptureQueriesContext(connection) as queries:
        record = settlement_record(settled)
    assert as_json(record["disputes"]) == as_json(_old_disputes(settled))
    assert [len(d["entries"]) for d in json.loads(as_json(record["disputes"]))] == [2, 0, 3]
    reads = [q["sql"] for q in queries.captured_queries
             if 'FROM "settlement_dispute' in q["sql"]]
    assert len(reads) == 2      # the disputes, and every entry of them


def test_the_settlement_file_lists_the_advance_refunds_p7_3_2(people, settled):
    owner, now = people["owner"], timezone.now()
    later = AdvanceRefund.objects.create(order=settled, refunded_on=dt.date(2026, 12, 3),
                                         amount="30.00", method="cash", recorded_by=owner,
                                         recorded_at=now)
    first = AdvanceRefund.objects.create(order=settled, refunded_on=dt.date(2026, 12, 1),
                                         amount="1100.00", method="bank_transfer",
                                         bank_reference="CMB-RF-01", note="退回多收款",
                                         recorded_by=owner, recorded_at=now)
    rows = json.loads(as_json(settlement_record(settled)["advance_refunds"]))
    assert [(r["id"], r["refunded_on"], r["amount"], r["method"], r["bank_reference"],
             r["note"]) for r in rows] == [
        (first.pk, "2026-12-01", "1100.00", "bank_transfer", "CMB-RF-01", "退回多收款"),
        (later.pk, "2026-12-03", "30.00", "cash", "", "")]
