"""Errors that services raise; web and API map them to messages and status codes."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    NOT_PERMITTED = "not_permitted"
    NOT_FOUND = "not_found"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    CONFLICT = "conflict"


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""

    code = ErrorCode.VALIDATION
    http_status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class ValidationFailed(ServiceError):
    """Bad input, field by field: errors maps a field path to its messages."""

    code = ErrorCode.VALIDATION
    http_status = 422
    default_message = _("Please correct the errors below.")

    def __init__(self, errors: dict, message=None):
        self.errors = {k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
                       for k, v in errors.items()}
        super().__init__(message)


class NotPermitted(ServiceError):
    code = ErrorCode.NOT_PERMITTED
    http_status = 403
    default_message = _("You are not permitted to do this.")


class NotFound(ServiceError):
    code = ErrorCode.NOT_FOUND
    http_status = 404
    default_message = _("Not found.")


class TransitionNotAllowed(ServiceError):
    code = ErrorCode.TRANSITION_NOT_ALLOWED
    http_status = 409
    default_message = _("This action is not allowed in the current state.")


class Conflict(ServiceError):
    code = ErrorCode.CONFLICT
    http_status = 409
    default_message = _("Someone else changed this at the same time; please reload.")
