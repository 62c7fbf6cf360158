"""Field-level changes of audit events as pages show them (master data and leads).

The audit log stores raw values: a choice's code, an owner's id, a Decimal as text. A reader
wants the field's verbose name, the choice's label, the owner's name, money as money.
"""

from django.utils.translation import gettext as _

from .templatetags.orderflow_tags import money

MONEY_FIELDS = {"credit_limit", "receivables_outstanding", "standard_price", "standard_cost",
                "estimated_amount"}


def _fields(model) -> dict:
    """The model's fields by the names the audit log uses: `customer` and `customer_id`."""
    fields = {}
    for field in model._meta.concrete_fields:
        fields[field.name] = fields[field.attname] = field
    return fields


def _name(model, fields: dict, name: str):
    if name in fields:
        return fields[name].verbose_name
    if name == model._meta.model_name:  # a whole row: "contact: Zhang San → —"
        return model._meta.verbose_name
    return name


def _value(field, name: str, value, related: dict):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value in (None, ""):
        return "—"
    if name in related:
        return related[name].get(value, f"#{value}")
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return money(value) if name in MONEY_FIELDS else value


def change_rows(changes: list[dict], model, related: dict | None = None) -> list[tuple]:
    """(field name, old, new) of the audited changes of a `model` row, readable.

    `related` maps a field to {id: name} for references audited by id (owner -> user names).
    """
    fields, related = _fields(model), related or {}
    return [(_name(model, fields, c["field"]),
             _value(fields.get(c["field"]), c["field"], c["old"], related),
             _value(fields.get(c["field"]), c["field"], c["new"], related))
            for c in changes]
