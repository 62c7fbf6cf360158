"""Archiving a settled order (P9.1.1): the dossier, its documents and manifest, the
classification (P9.1.2), who may archive, wrong state, and read-only afterwards."""

import hashlib
import json

import pytest
from django.core.files.storage import default_storage

from orderflow.archive.domain.dossier import manifest_hash
from orderflow.archive.models import ArchiveSequence, Dossier, DossierDocument, DossierProduct
from orderflow.archive.services import order_archive
from orderflow.archive.services.integrity import dossier_verify
from orderflow.audit.models import AuditEvent
from orderflow.audit.services import seal as audit_seal
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_take_action
from orderflow.orders.tests.support import make_order, order_state, put_in_state

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def _rows() -> dict:
    return {"dossiers": Dossier.objects.count(), "documents": DossierDocument.objects.count(),
            "products": DossierProduct.objects.count(),
            "sequences": list(ArchiveSequence.objects.values_list("year", "last_number")),
            "events": AuditEvent.objects.count()}


def test_archive_writes_the_dossier_with_its_documents(people, settled, products):
    # Given the worker has sealed the audit log since the order settled (P1.3.2)
    sealed = audit_seal()
    # When the salesperson archives the settled order
    order = order_take_action(order_id=settled.pk, action="archive", actor=people["owner"])
    # Then the order is archived and the dossier numbered, classified and bound
    assert order.status == State.ARCHIVED
    dossier = Dossier.objects.get(order=order)
    year = dossier.archived_at.year
    assert dossier.number == f"DA-{year}-000001"
    assert (dossier.order_number, dossier.customer_id, dossier.amount, dossier.order_type) \
        == (order.number, order.customer_id, order.total_gross, "standard")
    assert (dossier.product_kind, dossier.month) == ("product", dossier.archived_at.month)
    assert dossier.main_product_id == products[0].pk  # equal amounts: the first line
    assert set(DossierProduct.objects.filter(dossier=dossier)
               .values_list("product_id", flat=True)) == {p.pk for p in products}
    documents = list(dossier.documents.order_by("position"))
    kinds = [d.kind for d in documents]
    assert kinds == ["order", "contract", "audit_trail"]
    for document in documents:
        with default_storage.open(document.file.name, "rb") as handle:
            content = handle.read()
        assert document.sha256 == hashlib.sha256(content).hexdigest()
        assert document.size == len(content)
        # the order's folder: the dossier's number is taken last, after the files are stored
        assert document.file.name.startswith(f"archive/{year}/{order.number}/")
    contract = documents[1]
    assert (contract.title, contract.holds_prices) == ("合同.pdf", True)
    with default_storage.open(contract.file.name, "rb") as handle:
        assert handle.read() == PDF_BYTES
    trail = json.loads(default_storage.open(documents[2].file.name).read())
    assert [e["action"] for e in trail][-1] == "order.archive"
    # the events sealed before carry their place and hashes; the archiving's own, not yet
    assert sealed and all(len(e["hash"]) == 64 and e["seq"] for e in trail[:-1])
    assert (trail[-1]["seq"], trail[-1]["hash"]) == (None, "")
    record = json.loads(default_storage.open(documents[0].file.name).read())
    assert record["order"]["number"] == order.number and len(record["lines"]) == 2
    assert dossier_verify(dossier) == []
    assert AuditEvent.objects.filter(action="archive.dossier_created",
                                     object_id=str(dossier.pk)).exists()


def test_manifest_covers_the_dossier_and_its_documents(archived):
    dossier = archived.dossier
    rows = [{"position": d.position, "kind": d.kind, "title": d.title, "path": d.file.name,
             "size": d.size, "sha256": d.sha256, "source": d.source,
             "holds_prices": d.holds_prices} for d in dossier.documents.all()]
    fields = {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}
    assert manifest_hash(fields, rows) == dossier.manifest_sha256
    rows[0]["sha256"] = "0" * 64
    assert manifest_hash(fields, rows) != dossier.manifest_sha256


def test_numbers_are_consecutive_per_year(people, customer, products):
    from .conftest import archived_order

    numbers = [archived_order(people["owner"], customer, products).dossier.number
               for _ in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_missing_review_report_is_noted_not_rendered(people, settled, monkeypatch):
    from orderflow.archive.sources import SOURCES, ArchiveFile, Collected, register_source

    # Given a source whose PDF the worker has not rendered yet, and one with a file
    monkeypatch.setitem(SOURCES, "test_missing",
                        lambda order: Collected(missing=["评审报告尚未生成: R-1"]))
    monkeypatch.setitem(SOURCES, "test_extra", lambda order: Collected(files=[ArchiveFile(
        kind="settlement", title="结算单", name="statement.pdf", content=b"%PDF statement",
        content_type="application/pdf", source="settlement:1", holds_prices=True)]))
    assert register_source  # the registry the settlement capability uses
    order_archive(order_id=settled.pk, actor=people["owner"])
    dossier = Dossier.objects.get(order_id=settled.pk)
    assert dossier.notes == ["评审报告尚未生成: R-1"]
    assert dossier.documents.filter(kind="settlement", title="结算单").exists()


@pytest.mark.parametrize("state", [State.IN_SETTLEMENT, State.EXECUTED, State.ARCHIVED,
                                   State.CANCELLED])
def test_wrong_state_is_409_and_writes_nothing(state, people, customer, products):
    order = put_in_state(make_order(people["owner"], customer, products), state)
    before, rows = order_state(order.pk), _rows()
    with pytest.raises(TransitionNotAllowed):
        order_archive(order_id=order.pk, actor=people["owner"])
    assert (order_state(order.pk), _rows()) == (before, rows)


WHO = {"owner": True, "sales_head": True, "archive": True, "archive_head": True,
       "leader": False, "other_sales": None, "production": False, "finance": False}


@pytest.mark.parametrize("kind", list(WHO))
def test_who_may_archive(kind, people, settled):
    # P9.1.1: the salesperson, the Sales head or the Archive department
    actor, expected = people[kind], WHO[kind]
    before, rows = order_state(settled.pk), _rows()
    if expected:
        order_archive(order_id=settled.pk, actor=actor)
        assert Dossier.objects.get(order=settled).archived_by == actor
        return
    with pytest.raises(NotFound if expected is None else NotPermitted):
        order_archive(order_id=settled.pk, actor=actor)
    assert (order_state(settled.pk), _rows()) == (before, rows)


def test_archive_is_quick_in_queries(people, settled, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        order_archive(order_id=settled.pk, actor=people["owner"])


def test_review_reports_are_copied_or_noted_when_not_rendered(people, settled):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from orderflow.review.models import Review, ReviewReport

    now, owner = timezone.now(), people["owner"]
    reports = []
    for round_ in (1, 2):
        review = Review.objects.create(order=settled, subject_id=settled.pk, round=round_,
                                       content_hash="0" * 64, started_by=owner, started_at=now)
        reports.append(ReviewReport.objects.create(
            review=review, number=f"RR-2026-0000{round_}", conclusion="pass", content={},
            content_sha256="0" * 64, issued_at=now, issued_by=owner))
    # the worker rendered the first report only
    reports[0].file.save("rr1.pdf", ContentFile(b"%PDF review report 1"))
    order_archive(order_id=settled.pk, actor=owner)
    dossier = Dossier.objects.get(order=settled)
    copied = dossier.documents.get(kind="review_report")
    assert (copied.title, copied.sha256) == (
        "评审报告 RR-2026-00001", hashlib.sha256(b"%PDF review report 1").hexdigest())
    assert copied.holds_prices        # it prints the order's total (P9.2.2)
    assert dossier.notes == ["评审报告尚未生成: RR-2026-00002"]
