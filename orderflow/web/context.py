"""Template context for every page: the counters of the workbench."""


def workbench(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from orderflow.notifications.selectors import unread_count

    return {"unread_notifications": unread_count(user)}
