"""Technology execution API (P5)."""

from ninja import Router

router = Router(tags=["execution"])
