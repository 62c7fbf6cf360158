"""Settlement pages. Every write goes through orderflow.settlement.services."""

urlpatterns: list = []


def order_context(user, order) -> dict:
    """What the order page shows of the order's settlement (its panel)."""
    return {}
