"""Template context for every page: the counters of the workbench, which of the
navigation entries the user may open, and whether prices may be shown (P9.2.2)."""

from django.utils.functional import SimpleLazyObject


def workbench(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from orderflow.archive.permissions import may_see_prices
    from orderflow.execution.selectors.quality import may_see_statistics
    from orderflow.notifications.selectors import unread_count
    from orderflow.settlement.permissions import may_see_settlement

    return {"unread_notifications": unread_count(user),
            "nav_nc_statistics": may_see_statistics(user),
            # asked (one query, remembered on the user) only by a page that shows money
            "prices": SimpleLazyObject(lambda: may_see_prices(user)),
            # the settlement menu: only for who may see prices (P9.2.2); the same query
            "nav_settlement": SimpleLazyObject(lambda: may_see_settlement(user))}
