"""The work-package page (P5): the package's header and moves, then its department's
execution section (production plan, purchase contracts, inspections, support requests,
shipments, costs). Each department's module in this package registers its section in
SECTIONS and its URLs in its own `urlpatterns`."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from orderflow.release import selectors as release_selectors

from ...errors import service_errors
from ..release import _mark_packages

# dept code -> section(request, package, **forms) -> (template name, context)
SECTIONS: dict[str, Callable] = {}


def package_context(request, package_id: int) -> dict:
    """The package (visible to the user, else 404) with its labels and moves."""
    with service_errors(request):
        package = release_selectors.package_for(request.user, package_id)
    _mark_packages([package])
    return {"package": package, "order": package.order}


def render_package_page(request, package_id: int, status: int = 200, **forms):
    """The whole package page; a department view re-renders it with its form errors."""
    context = package_context(request, package_id)
    package = context["package"]
    section = SECTIONS.get(package.department.code)
    if section is not None:
        template, extra = section(request, package, **forms)
        context.update(extra, section_template=template)
    return render(request, "execution/package.html", context, status=status)


@login_required
@require_GET
def package_page(request, package_id: int):
    return render_package_page(request, package_id)


from . import finance, logistics, procurement, production, quality, technology  # noqa: E402

urlpatterns = [
    path("work-packages/<id:package_id>/", package_page, name="package_page"),
    *production.urlpatterns, *procurement.urlpatterns, *quality.urlpatterns,
    *technology.urlpatterns, *logistics.urlpatterns, *finance.urlpatterns,
]
