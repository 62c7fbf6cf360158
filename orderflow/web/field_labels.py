"""Names of fields as people read them: in the field-level history of an order (P2.2.1) and
in error messages that reach a page without a form to mark the field on."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_LABELS = {
    "customer": gettext_lazy("customer"), "contact": gettext_lazy("contact"),
    "contact_name": gettext_lazy("contact person"), "contact_phone": gettext_lazy("phone"),
    "customer_po": gettext_lazy("customer PO number"), "channel": gettext_lazy("channel"),
    "order_type": gettext_lazy("order type"),
    "order_date": gettext_lazy("order date"), "delivery_date": gettext_lazy("delivery date"),
    "delivery_place": gettext_lazy("delivery place"), "tax_rate": gettext_lazy("tax rate"),
    "notes": gettext_lazy("notes"), "salesperson": gettext_lazy("salesperson"),
    "lead_id": gettext_lazy("lead"), "product": gettext_lazy("product or service"),
    "quantity": gettext_lazy("quantity"), "unit_price": gettext_lazy("unit price"),
    "unit": gettext_lazy("unit"), "specification": gettext_lazy("specification / model"),
    "description": gettext_lazy("description"), "amount": gettext_lazy("amount"),
    "percent": gettext_lazy("percent"), "trigger": gettext_lazy("due"),
    "days": gettext_lazy("within days"), "kind": gettext_lazy("kind"),
    "lines": gettext_lazy("order lines"), "instalments": gettext_lazy("payment terms"),
    "reason": gettext_lazy("reason"), "file": gettext_lazy("file"),
    "assigned_to": gettext_lazy("salesperson"),
}
# Rows in the history; the audit log counts them from 1.
GROUP_LABELS = {
    "lines": gettext_lazy("Line %(n)s"),
    "instalments": gettext_lazy("Instalment %(n)s"),
    "special_requirements": gettext_lazy("Special requirement %(n)s"),
}
# A field of a row in an error message (lines.0.quantity: the services count from 0).
ROW_FIELD_LABELS = {
    "lines": gettext_lazy("Line %(n)s, %(field)s"),
    "instalments": gettext_lazy("Instalment %(n)s, %(field)s"),
    "special_requirements": gettext_lazy("Special requirement %(n)s, %(field)s"),
}


def _field(name: str):
    """customer_id -> "customer": references are validated by id, named without it."""
    return FIELD_LABELS.get(name) or FIELD_LABELS.get(name.removesuffix("_id"))


def error_field_label(path: str) -> str | None:
    """The field of a validation error: lines.0.quantity -> "Line 1, quantity";
    delivery_date -> "delivery date"; None when we have no name for it."""
    parts = path.split(".")
    if len(parts) == 1:
        label = _field(path)
        return str(label) if label else None
    if len(parts) == 3 and parts[0] in ROW_FIELD_LABELS and parts[1].isdigit():
        n, label = int(parts[1]) + 1, _field(parts[2])
        if label is None:
            return GROUP_LABELS[parts[0]] % {"n": n}
        return ROW_FIELD_LABELS[parts[0]] % {"n": n, "field": label}
    return None


def error_message(path: str, messages) -> str:
    """One line for a page's message area: the field's name, then what is wrong with it."""
    text = " ".join(str(m) for m in messages)
    label = error_field_label(path)
    return _("%(field)s: %(message)s") % {"field": label, "message": text} if label else text
