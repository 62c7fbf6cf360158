"""Technology pages of the work-package page (P5.4.1): Production's support requests with
Technology's answers and their resolution. Every write goes through
orderflow.execution.services.technology; this module only maps forms."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orderflow.execution.models.technology import SupportRequest
from orderflow.execution.selectors import technology as selectors
from orderflow.execution.services import technology as services
from orderflow.execution.services.common import WORKING_ORDER_STATES
from orderflow.release import selectors as release_selectors
from orderflow.release.domain.packages import Package

from ...errors import FormErrors, service_errors
from .production import submit

DEPT = "technology"
# A request is resolved from the Technology page or from Production's (who asked).
RESOLVING_DEPTS = ("technology", "production")


def section(request, package, **forms) -> tuple[str, dict]:
    """The technology section: the order's support requests with answer/resolve forms."""
    order = package.order
    working = bool(getattr(package, "may_act", False)) and \
        order.status in WORKING_ORDER_STATES and package.status != Package.DONE
    return "execution/technology/_section.html", {
        "support_requests": selectors.requests_for(order),
        "may_answer": working,
        "answer_request": forms.get("answer_request"),
        "answer_form": forms.get("answer_form", {}),
        "answer_errors": forms.get("answer_errors", FormErrors()),
        "request_resolve": forms.get("request_resolve"),
        "request_resolve_form": forms.get("request_resolve_form", {}),
        "request_resolve_errors": forms.get("request_resolve_errors", FormErrors()),
    }


def _package(request, package_id: int, request_id: int, depts=(DEPT,)):
    """The visible package (of one of `depts`) and the request of its order, else 404."""
    with service_errors(request):
        package = release_selectors.package_for(request.user, package_id)
    if package.department.code not in depts or not SupportRequest.objects.filter(
            pk=request_id, order_id=package.order_id).exists():
        raise Http404
    return package


@login_required
@require_POST
def request_answer(request, package_id: int, request_id: int):
    """Technology answers a support request (P5.4.1)."""
    _package(request, package_id, request_id)
    values = {"answer": request.POST.get("answer", "").strip()}
    return submit(request, package_id, lambda: services.support_request_answer(
        request_id=request_id, actor=request.user, answer=values["answer"]),
        _("The answer was sent to the requester."), answer_request=request_id,
        answer_form=values, errors_key="answer_errors")


@login_required
@require_POST
def request_resolve(request, package_id: int, request_id: int):
    """Production or Technology confirms the request is solved (P5.4.1)."""
    _package(request, package_id, request_id, RESOLVING_DEPTS)
    values = {"resolution": request.POST.get("resolution", "").strip()}
    return submit(request, package_id, lambda: services.support_request_resolve(
        request_id=request_id, actor=request.user, resolution=values["resolution"]),
        _("The support request was resolved."), request_resolve=request_id,
        request_resolve_form=values, errors_key="request_resolve_errors")


urlpatterns = [
    path("work-packages/<id:package_id>/support-requests/<id:request_id>/answer/",
         request_answer, name="support_request_answer"),
    path("work-packages/<id:package_id>/support-requests/<id:request_id>/resolve/",
         request_resolve, name="support_request_resolve"),
]


def _register():
    from . import SECTIONS

    SECTIONS[DEPT] = section


_register()
