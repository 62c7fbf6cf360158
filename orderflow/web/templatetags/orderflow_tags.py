"""Presentation helpers for orderflow's pages: money, states, findings, audit events."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.intake.messages import explain, severity_label
from orderflow.orders.labels import ACTION_LABELS, STATE_COLOURS, STATE_LABELS
from orderflow.orders.models import Channel, PaymentTrigger, RequirementKind

from ..field_labels import FIELD_LABELS, GROUP_LABELS

register = template.Library()

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€"}
SEVERITY_COLOURS = {"ok": "green", "missing": "yellow", "doubtful": "orange", "risk": "red"}

# Audit actions that are not lifecycle actions (those take ACTION_LABELS).
EVENT_LABELS = {
    "order.created": gettext_lazy("Order created"),
    "order.updated": gettext_lazy("Order edited"),
    "order.attachment_added": gettext_lazy("Attachment added"),
    "order.attachment_removed": gettext_lazy("Attachment removed"),
    "order.customer_contacted": gettext_lazy("Customer contacted"),
    "order.duplicated": gettext_lazy("Copied from another order"),
    "review.started": gettext_lazy("Review started"),
    "review.opinion_given": gettext_lazy("Review opinion given"),
    "review.opinion_attachment_added": gettext_lazy("Opinion attachment added"),
    "review.opinion_overdue": gettext_lazy("Review opinion overdue"),
    "review.escalated_to_leader": gettext_lazy("Overdue opinion escalated to the division leader"),
    "review.concluded": gettext_lazy("Review concluded"),
    "review.report_rendered": gettext_lazy("Review report rendered"),
    "approval.started": gettext_lazy("Approval started"),
    "approval.approved": gettext_lazy("Approval step approved"),
    "approval.rejected": gettext_lazy("Approval rejected"),
    "approval.returned": gettext_lazy("Returned to an earlier step"),
    "approval.voided": gettext_lazy("Approvals voided by a change"),
    "approval.signed": gettext_lazy("Signed off"),
    "approval.stage_overdue": gettext_lazy("Approval step overdue"),
    "approval.escalated_to_leader": gettext_lazy("Overdue step escalated to the division leader"),
    "order.printed": gettext_lazy("Order printed"),
    "release.customer_confirmed": gettext_lazy("Customer confirmed receipt"),
}


# What an approval is about when it is not the order itself (P7.2.2, P9.2.1).
SUBJECT_LABELS = {"statement": gettext_lazy("Settlement statement"),
                  "archive_query": gettext_lazy("Archive query request")}


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value, currency="CNY"):
    """¥1,234,567.89 (thousands separators, two decimals) in every language."""
    number = _decimal(value)
    if number is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency or "CNY", f"{currency} ")
    sign = "-" if number < 0 else ""
    return f"{sign}{symbol}{abs(number):,.2f}"


@register.filter
def qty(value):
    """A quantity without trailing zeros: 2.000 -> 2, 1.250 -> 1.25; with separators."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def percent(value, rate=False):
    """30.00 -> 30%; with rate=True a fraction: 0.13 -> 13%."""
    number = _decimal(value)
    if number is None:
        return ""
    if rate:
        number *= 100
    return f"{qty(number.normalize())}%"


@register.filter
def state_label(status):
    return STATE_LABELS.get(status, status)


@register.simple_tag
def state_badge(status):
    colour = STATE_COLOURS.get(status, "secondary")
    return format_html('<span class="badge bg-{}-lt" data-state="{}">{}</span>', colour, status,
                       STATE_LABELS.get(status, status))


@register.simple_tag
def severity_badge(severity):
    colour = SEVERITY_COLOURS.get(severity, "secondary")
    return format_html('<span class="badge bg-{} text-{}-fg">{}</span>', colour, colour,
                       severity_label(severity))


@register.filter
def finding_text(finding):
    """The translated explanation of a preliminary-check finding (P2.3.1)."""
    return explain(finding)


@register.filter
def event_title(event):
    """An order timeline event's name; an approval of something else than the order
    (a settlement statement, an archive query) says what it was about."""
    label = event_label(event.action)
    subject = (event.data or {}).get("subject") if event.action.startswith("approval.") \
        else None
    if subject and subject != "order":
        return f"{SUBJECT_LABELS.get(subject, subject)} · {label}"
    return label


@register.filter
def event_label(action: str):
    """The name of an audit event of an order: its lifecycle action or what happened."""
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    name = action.split(".", 1)[-1]
    return ACTION_LABELS.get(name, action)


EVENT_ICONS = {
    "order.created": ("plus", "green"), "order.updated": ("edit", "blue"),
    "order.check": ("checklist", "cyan"), "order.attachment_added": ("paperclip", "secondary"),
    "order.attachment_removed": ("paperclip", "secondary"),
    "order.customer_contacted": ("message-circle", "yellow"),
    "order.accept_escalation": ("gavel", "green"), "order.decline_escalation": ("gavel", "red"),
    "order.cancel": ("x", "red"),
}


@register.filter
def event_icon(action: str):
    """The Tabler icon class of a timeline entry."""
    return f"ti-{EVENT_ICONS.get(action, ('arrows-exchange', ''))[0]}"


@register.filter
def event_colour(action: str):
    return f"bg-{EVENT_ICONS.get(action, ('', 'azure'))[1]}-lt"


@register.filter
def change_field(path: str):
    """lines.2.quantity -> "Line 2 · quantity"; delivery_date -> "delivery date"."""
    parts = str(path).split(".")
    if len(parts) == 3 and parts[0] in GROUP_LABELS:
        return f"{GROUP_LABELS[parts[0]] % {'n': parts[1]}} · " \
               f"{FIELD_LABELS.get(parts[2], parts[2])}"
    return FIELD_LABELS.get(path, path)


CHOICE_LABELS = {"kind": dict(RequirementKind.choices), "trigger": dict(PaymentTrigger.choices),
                 "channel": dict(Channel.choices)}


@register.filter
def change_value(value, path=""):
    """A value in the field-level history, readable: labels for choices, 2.000 -> 2."""
    if value in (None, ""):
        return "—"
    name = str(path).rsplit(".", 1)[-1]
    if name in CHOICE_LABELS:
        return CHOICE_LABELS[name].get(value, value)
    if name in ("customer", "salesperson", "contact", "lead_id", "product"):
        return f"#{value}"
    if name in ("quantity", "percent", "tax_rate"):
        return qty(value)
    return value


@register.filter
def get(mapping, key):
    """mapping[key] in a template, for keys held in variables or containing dots."""
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag
def field_error(errors, key, prefix=""):
    """The messages of one field, as Tabler's invalid feedback (nothing when fine).

    `prefix` names a row (lines.0) so data-error-for carries the service's field path.
    """
    messages = (errors or {}).get(key)
    if not messages:
        return ""
    path = f"{prefix}.{key}" if prefix else key
    return format_html('<div class="invalid-feedback d-block" data-error-for="{}">{}</div>',
                       path, format_html_join(" ", "{}", ((m,) for m in messages)))


@register.simple_tag
def invalid(errors, key):
    """The is-invalid class when the field has an error."""
    return " is-invalid" if (errors or {}).get(key) else ""


@register.filter
def capped(count, cap=1000):
    """A bounded count: shows 999+ when the count reached its cap."""
    return f"{int(cap) - 1}+" if count >= int(cap) else str(count)


@register.simple_tag
def yes_no(value):
    return _("Yes") if value else _("No")


@register.simple_tag
def select_options(items, selected=None, label="name"):
    """`<option>`s for a long select in one pass (a template loop costs ~0.1 ms a row).

    Items are (value, label) pairs or objects with .pk and the `label` attribute.
    """
    chosen = str(selected or "")
    pairs = (item if isinstance(item, tuple) else (item.pk, getattr(item, label))
             for item in items)
    return mark_safe("".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(text)}</option>" for value, text in pairs))
