"""Reading the print log (P4.2.1): a print by its verification code (public verify page)
and the prints of an order (the order page)."""

from django.utils.translation import gettext as _

from orderflow.archive.permissions import may_see_prices
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from .models import OrderPrint, current_revision
from .services.printing import CODE_ALPHABET, CODE_LENGTH


def normalised_code(code: str) -> str:
    return (code or "").strip().upper()


def print_by_code(code: str) -> OrderPrint:
    """The print with this verification code, with `.is_current` set (its revision is the
    order's current revision); NotFound for an unknown or malformed code."""
    code = normalised_code(code)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise NotFound(_("No printed order has this verification code."))
    printed = OrderPrint.objects.select_related("order").filter(code=code).first()
    if printed is None:
        raise NotFound(_("No printed order has this verification code."))
    printed.is_current = printed.revision == current_revision(printed.order)
    return printed


def prints_for(user, order) -> list[OrderPrint]:
    """Every print of a visible order, newest first, with `.is_current` set.

    Raises:
        NotFound: the order is not visible. NotPermitted: the prints hold prices (P9.2.2).
    """
    if not Order.objects.filter(visibility_q(user), pk=order.pk).exists():
        raise NotFound(_("Order not found."))
    if not may_see_prices(user):
        raise NotPermitted(_("The printed order holds prices, which your role may not see."))
    prints = list(OrderPrint.objects.filter(order_id=order.pk).select_related("printed_by"))
    current = current_revision(order)
    for printed in prints:
        printed.is_current = printed.revision == current
    return prints
