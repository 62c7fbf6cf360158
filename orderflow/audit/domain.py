"""The audit chain's hash (pure): each event's hash covers its content and the previous hash."""

import hashlib
import json

GENESIS = "0" * 64


def event_hash(prev_hash: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
