"""The archive dossier as pure data (P9.1): its number, classification and manifest.

Pure Python, no Django. The manifest hash binds the dossier's classification fields and
every document's name, size and SHA-256: changing any of them is found by the
integrity check (P9.1.1).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

NUMBER_PREFIX = "DA"
# The fields of a dossier row the manifest covers (besides its documents).
MANIFEST_FIELDS = ("number", "order_id", "order_number", "archived_by_id", "archived_at",
                   "year", "month", "order_type", "product_kind", "main_product_id",
                   "customer_id", "customer_industry", "amount", "currency")
DOCUMENT_FIELDS = ("position", "kind", "title", "path", "size", "sha256", "source",
                   "holds_prices")


def dossier_number(year: int, sequence: int) -> str:
    """DA-YYYY-NNNNNN, gap-free per year like the order numbers."""
    return f"{NUMBER_PREFIX}-{year}-{sequence:06d}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def manifest_hash(dossier: dict, documents: list[dict]) -> str:
    """SHA-256 over the dossier's fields and its documents, in a stable form."""
    body = {
        "dossier": {k: _canonical(dossier.get(k)) for k in MANIFEST_FIELDS},
        "documents": [{k: _canonical(d.get(k)) for k in DOCUMENT_FIELDS}
                      for d in sorted(documents, key=lambda d: d["position"])],
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_hex(text.encode())


@dataclass(frozen=True)
class LineFacts:
    product_id: int
    product_kind: str
    amount: Decimal


def product_line(lines: list[LineFacts]) -> tuple[str, int | None]:
    """(product kind, main product id) of an order (P9.1.2): the kind and product of the
    line with the largest amount (the first such line on a tie); ("", None) if none."""
    if not lines:
        return "", None
    main = max(enumerate(lines), key=lambda item: (item[1].amount, -item[0]))[1]
    return main.product_kind, main.product_id


def grant_end(*, wanted_until: dt.date, today: dt.date, max_days: int) -> dt.date:
    """The last day a grant runs (inclusive): the day wanted, at most max_days from today."""
    return min(wanted_until, today + dt.timedelta(days=max_days))


def safe_file_name(name: str, *, limit: int = 80) -> str:
    """A file name that is safe as the last part of a storage path."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name.strip())
    cleaned = cleaned.strip("._") or "file"
    if len(cleaned) > limit:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 \
            else cleaned[:limit]
    return cleaned
