"""What the configuration endpoints share (P11): who may use them, the "changed by" stamp,
and departments per order type (review routes P3.1.1, release routes P4.2.1)."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Schema

from orderflow.accounts.labels import DEPT_LABELS
from orderflow.accounts.permissions import is_system_admin
from orderflow.core.errors import NotFound, NotPermitted

from .schemas import UserRef


def require_admin(request):
    """Configuration is for system administrators only (403 for anyone else)."""
    if not is_system_admin(request.auth):
        raise NotPermitted()
    return request.auth


def route_or_404(model, order_type: str):
    """The route row of an order type (ReviewRoute or ReleaseRoute); 404 if unknown."""
    route = model.objects.select_related("updated_by").filter(order_type=order_type).first()
    if route is None:
        raise NotFound(_("Unknown order type."))
    return route


class Stamped(Schema):
    updated_at: dt.datetime | None
    updated_by: UserRef | None


class RouteOut(Stamped):
    order_type: str
    order_type_label: str
    departments: list[str] = Field(description="Department codes, in order.")
    department_labels: list[str]

    @staticmethod
    def resolve_order_type_label(obj) -> str:
        return str(obj.get_order_type_display())

    @staticmethod
    def resolve_department_labels(obj) -> list[str]:
        return [str(DEPT_LABELS.get(code, code)) for code in obj.departments]


class RouteIn(Schema):
    departments: list[str] | None = Field(None, description="Department codes, e.g. "
                                          "[\"technology\", \"production\", \"finance\"]")
