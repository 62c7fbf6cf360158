"""The integrity check of the archive (P9.1.1): every document's SHA-256 and size
recomputed from storage, every dossier's manifest hash recomputed from its rows."""

from collections.abc import Iterator
from dataclasses import dataclass

from ..domain.dossier import manifest_hash, sha256_hex
from ..models import Dossier, DossierDocument


@dataclass(frozen=True)
class Finding:
    dossier: str
    document: str       # "" for the dossier itself
    problem: str        # missing_file | sha256_mismatch | size_mismatch | manifest_mismatch


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
    fields = {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}
    rows = [{"position": d.position, "kind": d.kind, "title": d.title, "path": d.file.name,
             "size": d.size, "sha256": d.sha256, "source": d.source,
             "holds_prices": d.holds_prices} for d in documents]
    return manifest_hash(fields, rows)


def dossier_verify(dossier: Dossier) -> list[Finding]:
    """What no longer matches in one dossier (empty: intact)."""
    documents = sorted(dossier.documents.all(), key=lambda d: d.position)
    findings = [f for d in documents for f in _document_findings(dossier, d)]
    if _manifest(dossier, documents) != dossier.manifest_sha256:
        findings.append(Finding(dossier.number, "", "manifest_mismatch"))
    return findings


def archive_verify(*, order_number: str | None = None,
                   batch: int = 200) -> Iterator[tuple[Dossier, list[Finding]]]:
    """Every dossier (or that of one order) with its findings, streamed in batches."""
    dossiers = Dossier.objects.order_by("id").prefetch_related("documents")
    if order_number:
        dossiers = dossiers.filter(order_number=order_number.strip().upper())
    for dossier in dossiers.iterator(chunk_size=batch):
        yield dossier, dossier_verify(dossier)
