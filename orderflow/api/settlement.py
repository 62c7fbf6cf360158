"""Settlement API. Thin: reads through the settlement selectors, writes through services."""

from ninja import Router

router = Router(tags=["settlement"])
