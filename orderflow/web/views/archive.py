"""Archive pages. Every write goes through orderflow.archive.services."""

urlpatterns: list = []


def order_context(user, order) -> dict:
    """What the order page shows of the order's archive (its panel)."""
    return {}
