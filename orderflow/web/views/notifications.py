"""The user's notifications: read them, mark one or all as read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from orderflow.notifications.selectors import notifications_for
from orderflow.notifications.services import notification_mark_read

from ..errors import service_errors


@login_required
@require_GET
def notification_list(request):
    notes = list(notifications_for(request.user, limit=100))
    return render(request, "notifications/list.html", {"notifications": notes})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    """Mark one read; then open what it points to (when that is a page of ours)."""
    with service_errors(request):
        notification_mark_read(actor=request.user, notification_id=notification_id)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("web:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    with service_errors(request):
        notification_mark_read(actor=request.user)
    return redirect("web:notification_list")


urlpatterns = [
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/<id:notification_id>/read/", notification_read,
         name="notification_read"),
    path("notifications/read-all/", notification_read_all, name="notification_read_all"),
]
