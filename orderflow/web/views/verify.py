"""The public verify page (P4.2.1): anyone holding a printed order scans its QR code and
sees whether the print is genuine and its revision still current. No login; it shows only
the order number, revision, print date, original or copy, and current or not."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from orderflow.core.errors import NotFound
from orderflow.release.printing_selectors import print_by_code


@require_GET
@never_cache
def verify(request, code: str):
    try:
        printed = print_by_code(code)
    except NotFound:
        return render(request, "release/verify.html", {"found": False}, status=404)
    context = {
        "found": True, "number": printed.order.number, "revision": printed.revision,
        "printed_on": timezone.localtime(printed.printed_at).date(),
        "copy_number": printed.copy_number, "is_current": printed.is_current,
    }
    return render(request, "release/verify.html", context)


urlpatterns = [
    path("verify/<str:code>/", verify, name="verify_print"),
]
