"""Mapping service errors to what a page shows: 404, 403, a message, or field errors."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404

from orderflow.core.errors import NotFound, NotPermitted, ServiceError, ValidationFailed

from .field_labels import error_message


class FormErrors(dict):
    """Field path -> messages, plus the summary message; empty when all went well."""

    message: str = ""


@contextmanager
def service_errors(request, form_errors: FormErrors | None = None):
    """Run a service call; turn its errors into the page's response.

    NotFound -> 404 page, NotPermitted -> 403 page; ValidationFailed fills
    `form_errors` (when given) for the form to re-render; any other refused
    action (wrong state, conflict) becomes an error message on the page.
    """
    try:
        yield
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except ValidationFailed as exc:
        if form_errors is None:
            for field, msgs in exc.errors.items():
                messages.error(request, error_message(field, msgs))
        else:
            form_errors.update(exc.errors)
            form_errors.message = str(exc.message)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
