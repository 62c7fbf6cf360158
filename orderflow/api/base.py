"""The NinjaAPI object, its authentication and its error mapping."""

from django.core.exceptions import SuspiciousOperation
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, django_auth

from orderflow.core.errors import ServiceError, ValidationFailed


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` for scripts and integrations."""

    param_name = "Authorization"

    def authenticate(self, request, key):
        from orderflow.accounts.selectors import user_for_api_token

        if not key or not key.startswith("Token "):
            return None
        user = user_for_api_token(key.removeprefix("Token ").strip())
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="orderflow API",
    version="1",
    description="订单管理系统 · the order process policy (P1-P11) as a JSON API.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def _error(request, status: int, code: str, message: str, errors: dict | None = None):
    body = {"code": code, "message": str(message)}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationFailed)
def on_validation_failed(request, exc: ValidationFailed):
    return _error(request, exc.http_status, exc.code, exc.message, exc.errors)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return _error(request, exc.http_status, exc.code, exc.message)


# Where ninja found a parameter, and the names of whole-body/whole-query schemas:
# not part of the field path a client sees (body.payload.lines.0.quantity -> lines.0.quantity).
_LOCATIONS = ("body", "query", "form", "file", "path", "header", "cookie")
_SCHEMA_PARAMS = ("payload", "filters")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        if loc and loc[0] in _LOCATIONS:
            loc.pop(0)
        if loc and loc[0] in _SCHEMA_PARAMS:
            loc.pop(0)
        errors.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", "invalid"))
    from django.utils.translation import gettext as _

    return _error(request, 422, "validation_error", _("Please correct the errors below."),
                  errors)


@api.exception_handler(DataError)
def on_unstorable_value(request, exc):
    # A value the database cannot represent (an id beyond bigint, a NUL byte): bad input.
    from django.utils.translation import gettext as _

    return _error(request, 400, "malformed_request",
                  _("The request contains a value that is out of range or not allowed."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    from django.utils.translation import gettext as _

    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    from django.utils.translation import gettext as _

    return _error(request, 401, "not_authenticated", _("Please log in."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    from django.utils.translation import gettext as _

    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
        return _error(request, 400, "malformed_request", message, {"__all__": [message]})
    code = {403: "not_permitted", 404: "not_found"}.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc))


@api.exception_handler(SuspiciousOperation)
def on_bad_request(request, exc):
    """Too large or malformed uploads (Django refuses them before any service runs)."""
    from django.utils.translation import gettext as _

    message = _("The request could not be read (too large or malformed).")
    return _error(request, 400, "malformed_request", message, {"__all__": [message]})
