"""Every refusal under /api/ answers in JSON with a code and a message, as the endpoints'
own do (api.base): also the two Django and ninja give before any endpoint runs, an
address that matches nothing (404, e.g. a malformed id) and a method the address does not
take (405), which otherwise come back as an HTML page or plain text."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (404, 405) or not request.path.startswith(API_PREFIX) \
                or response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return JsonResponse({"code": "not_found", "message": _("Not found.")},
                                status=404)
        answer = JsonResponse({"code": "method_not_allowed", "message": _(
            "This address does not take %(method)s.") % {"method": request.method}},
            status=405)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
