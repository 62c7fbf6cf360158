"""Template context for every page: the counters of the workbench, and which of the
navigation entries the user may open."""


def workbench(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from orderflow.execution.selectors.quality import may_see_statistics
    from orderflow.notifications.selectors import unread_count

    return {"unread_notifications": unread_count(user),
            "nav_nc_statistics": may_see_statistics(user)}
