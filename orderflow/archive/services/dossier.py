"""Archiving a settled order (P9.1.1): the dossier with its documents, classified
(P9.1.2), each document stored with its SHA-256, bound by a manifest hash."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict
from orderflow.masterdata.models import Customer
from orderflow.orders.models import Order
from orderflow.orders.services import apply_transition, lock_order, register_action

from ..domain.dossier import LineFacts, dossier_number, manifest_hash, product_line, sha256_hex
from ..models import ArchiveSequence, Dossier, DossierDocument, DossierProduct
from ..sources import ArchiveFile, blockers, collect
from .integrity import dossier_check_record


def next_dossier_sequence(year: int) -> int:
    """The next dossier number of the year, in one upsert whose row stays locked until
    the archiving commits (gap-free, like order numbers): take it last."""
    table = connection.ops.quote_name(ArchiveSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number", [year])
        return cursor.fetchone()[0]


def _classification(order: Order) -> dict:
    """P9.1.2: category fields of the dossier (product line, customer industry...)."""
    lines = [LineFacts(pid, kind, amount) for pid, kind, amount in
             order.lines.values_list("product_id", "product__kind", "amount")]
    kind, main_product = product_line(lines)
    industry = Customer.objects.filter(pk=order.customer_id).values_list(
        "industry", flat=True).first() or ""
    return {"order_id": order.pk, "order_number": order.number,
            "order_type": order.order_type, "product_kind": kind,
            "main_product_id": main_product, "customer_id": order.customer_id,
            "customer_industry": industry, "amount": order.total_gross,
            "currency": order.currency, "product_ids": sorted({ln.product_id for ln in lines})}


def _store(files: list[ArchiveFile], folder: str, saved: list[str]) -> list[dict]:
    """Save each file under the dossier's folder; rows as dicts (path, size, SHA-256)."""
    rows = []
    for position, item in enumerate(files, start=1):
        path = default_storage.save(f"{folder}/{position:02d}-{item.name}",
                                    ContentFile(item.content))
        saved.append(path)
        rows.append({"position": position, "kind": item.kind, "title": item.title[:200],
                     "path": path, "size": len(item.content),
                     "sha256": sha256_hex(item.content), "source": item.source[:100],
                     "holds_prices": item.holds_prices, "content_type": item.content_type})
    return rows


def _write_rows(order: Order, fields: dict, collected, product_ids,
                saved: list[str]) -> tuple[Dossier, list[dict]]:
    """The dossier (numbered later) with its stored documents and products."""
    # The folder is the order's: the dossier's number is taken last.
    rows = _store(collected.files, f"archive/{fields['year']}/{order.number}", saved)
    dossier = Dossier.objects.create(**fields, number=f"NEW-{uuid.uuid4().hex[:16]}",
                                     notes=collected.missing, manifest_sha256="")
    DossierDocument.objects.bulk_create([
        DossierDocument(dossier=dossier, file=r["path"],
                        **{k: v for k, v in r.items() if k != "path"}) for r in rows])
    DossierProduct.objects.bulk_create([
        DossierProduct(dossier=dossier, product_id=p) for p in product_ids])
    # The first check: the files were just written from the bytes their hashes are of.
    dossier_check_record(dossier, [], checked_at=dossier.archived_at)
    return dossier, rows


def _write(order: Order, actor, fields: dict, collected) -> Dossier:
    now = clock.now()
    local = timezone.localtime(now)
    product_ids = fields.pop("product_ids")
    fields.update(archived_by_id=actor.pk, archived_at=now, year=local.year,
                  month=local.month)
    saved: list[str] = []
    try:
        dossier, rows = _write_rows(order, fields, collected, product_ids, saved)
        # The sequence row stays locked until commit, so take the number last: concurrent
        # archivings wait on each other only for these final statements, not for storage.
        dossier.number = dossier_number(local.year, next_dossier_sequence(local.year))
        dossier.manifest_sha256 = manifest_hash({**fields, "number": dossier.number}, rows)
        dossier.save(update_fields=["number", "manifest_sha256"])
    except Exception:
        for path in saved:
            default_storage.delete(path)
        raise
    return dossier


@register_action("archive")
@transaction.atomic
def order_archive(*, order_id: int, actor, **_ignored) -> Order:
    """Archive a settled order (P9.1.1): the order becomes archived (read-only, terminal)
    and its dossier is written in the same transaction.

    Raises:
        NotFound, NotPermitted (not the salesperson, the Sales head or Archive staff),
        TransitionNotAllowed (not settled), Conflict (something still owed on it, e.g.
        advance payments to refund).
    """
    order = lock_order(order_id, actor)
    reasons = blockers(order)
    apply_transition(order, "archive", actor)  # who and which state first
    if reasons:
        raise Conflict(_("The order cannot be archived yet: %(reasons)s")
                       % {"reasons": "；".join(reasons)})
    collected = collect(order)  # after the transition: the trail holds the archiving
    dossier = _write(order, actor, _classification(order), collected)
    order.dossier = dossier
    audit.record(actor, "archive.dossier_created", dossier, data={
        "order": order.number, "documents": len(collected.files),
        "missing": collected.missing, "manifest_sha256": dossier.manifest_sha256})
    return order
