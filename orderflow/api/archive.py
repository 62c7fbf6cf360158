"""Archive API. Thin: reads through orderflow.archive selectors, writes through its services."""

from ninja import Router

router = Router(tags=["archive"])
