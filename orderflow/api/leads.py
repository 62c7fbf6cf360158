"""(filled by its capability)."""

from ninja import Router

router = Router(tags=["leads"])
