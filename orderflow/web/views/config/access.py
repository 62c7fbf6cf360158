"""Who may open the configuration screens: system administrators only (403 otherwise)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from orderflow.accounts.permissions import is_system_admin


def admin_only(view):
    """System administrators only; everyone else gets the 403 page."""
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_system_admin(request.user):
            raise PermissionDenied(_("Only system administrators change the configuration."))
        return view(request, *args, **kwargs)
    return wrapped


def page(request, template: str, section: str, context: dict, status=200):
    """A configuration screen; `section` marks its tab."""
    return render(request, template, {"section": section, **context}, status=status)
