"""The order pages' inputs: the order form's rows to a service payload, and back.

No validation happens here: the services validate and answer field by field
(`lines.0.quantity`, `delivery_date`, ...); this module only moves values
between HTML inputs and the payload, and puts each message next to its input.
"""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings

from orderflow.orders.selectors import OrderFilters

HEADER_INPUTS = ("customer_id", "contact_name", "contact_phone", "customer_po", "channel",
                 "order_type", "order_date", "delivery_date", "delivery_place", "tax_rate", "notes",
                 "salesperson_id")
ROW_GROUPS = {
    "lines": ("product_id", "quantity", "unit_price", "unit", "specification", "description"),
    "instalments": ("percent", "trigger", "days"),
    "special_requirements": ("kind", "description"),
}
# A row counts as filled in when one of these has a value (selects have defaults).
ROW_SIGNIFICANT = {
    "lines": ("product_id", "quantity", "unit_price", "specification", "description"),
    "instalments": ("percent", "days"),
    "special_requirements": ("description",),
}
TAX_RATES = ("0.13", "0.09", "0.06", "0.03", "0")
_ROW_KEY = re.compile(r"^(lines|instalments|special_requirements)-(\d{1,4})-(\w+)$")


def _rows(post, group: str) -> list[dict]:
    """The filled-in rows of one table, in the order the form shows them."""
    by_index: dict[int, dict] = {}
    for key in post:
        match = _ROW_KEY.match(key)
        if match and match[1] == group and match[3] in ROW_GROUPS[group]:
            by_index.setdefault(int(match[2]), {})[match[3]] = post.get(key, "").strip()
    rows = []
    for index in sorted(by_index):
        row = {name: by_index[index].get(name, "") for name in ROW_GROUPS[group]}
        if any(row[name] for name in ROW_SIGNIFICANT[group]):
            rows.append(row)
    return rows


def parse_order_post(post) -> dict:
    """The form's state: header values and the filled-in rows (blank rows dropped)."""
    state = {name: post.get(name, "").strip() for name in HEADER_INPUTS}
    for group in ROW_GROUPS:
        state[group] = _rows(post, group)
    return state


def payload_from_state(state: dict) -> dict:
    """The service payload (order_create / order_update fields) of a form state."""
    payload = {name: state[name] for name in HEADER_INPUTS if name != "salesperson_id"}
    if state.get("salesperson_id"):
        payload["salesperson_id"] = state["salesperson_id"]
    payload["lines"] = [
        {**row, "unit_price": row["unit_price"] or None} for row in state["lines"]]
    payload["instalments"] = [dict(row) for row in state["instalments"]]
    payload["special_requirements"] = [dict(row) for row in state["special_requirements"]]
    return payload


def blank_state(today: dt.date) -> dict:
    """A new order: today's date, the default tax rate, one empty line, usual terms."""
    state = dict.fromkeys(HEADER_INPUTS, "")
    state.update(order_date=today.isoformat(), channel="phone", order_type="standard",
                 tax_rate=str(settings.ORDERFLOW_DEFAULT_TAX_RATE))
    state["lines"] = [dict.fromkeys(ROW_GROUPS["lines"], "")]
    state["instalments"] = [
        {"percent": "30", "trigger": "on_order", "days": "0"},
        {"percent": "70", "trigger": "after_delivery", "days": "30"}]
    state["special_requirements"] = []
    return state


def state_from_lead(lead, today: dt.date) -> dict:
    """A new order prefilled from a lead (P2.1.2, P2.1.3): channel, customer, contact."""
    state = blank_state(today)
    state.update(channel=lead.channel, customer_id=str(lead.customer_id or ""),
                 contact_name=lead.contact_name, contact_phone=lead.contact_phone)
    return state


def _plain(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _number(value: Decimal) -> str:
    """A stored decimal as typed: 2.000 -> "2", 100.00 -> "100", 1.250 -> "1.25"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def state_from_order(order) -> dict:
    """The form's state of an existing order (its lines, terms and requirements)."""
    state = {name: _plain(getattr(order, name, "")) for name in HEADER_INPUTS}
    state["tax_rate"] = _number(order.tax_rate)
    state["lines"] = [
        {"product_id": str(ln.product_id), "quantity": _number(ln.quantity),
         "unit_price": _plain(ln.unit_price), "unit": ln.unit,
         "specification": ln.specification, "description": ln.description}
        for ln in order.lines.all()]
    state["instalments"] = [
        {"percent": _number(p.percent), "trigger": p.trigger, "days": str(p.days)}
        for p in order.instalments.all()]
    state["special_requirements"] = [
        {"kind": r.kind, "description": r.description}
        for r in order.special_requirements.all()]
    return state


def place_errors(state: dict, errors: dict) -> list[str]:
    """Give each row its own messages (row["errors"]); return messages with no input."""
    placed = set(HEADER_INPUTS) | set(ROW_GROUPS)
    for group, columns in ROW_GROUPS.items():
        for index, row in enumerate(state[group]):
            row["errors"], row["prefix"] = {}, f"{group}.{index}"
            for column in columns:
                key = f"{group}.{index}.{column}"
                if key in errors:
                    row["errors"][column] = errors[key]
                    placed.add(key)
    return [msg for key, msgs in errors.items() if key not in placed for msg in msgs]


# The order list's filters <-> its query string.

def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _id(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _amount(value: str) -> str:
    value = (value or "").replace(",", "").strip()
    return value if re.fullmatch(r"\d{1,13}(\.\d{1,2})?", value) else ""


def filters_from_query(query) -> OrderFilters:
    """The list's filters from GET; anything malformed is ignored rather than an error."""
    statuses = [s for value in query.getlist("status") for s in value.split(",") if s]
    return OrderFilters(
        status=",".join(statuses), customer_id=_id(query.get("customer", "")),
        salesperson_id=_id(query.get("salesperson", "")),
        date_from=_date(query.get("date_from", "")), date_to=_date(query.get("date_to", "")),
        amount_min=_amount(query.get("amount_min", "")),
        amount_max=_amount(query.get("amount_max", "")),
        q=query.get("q", "").strip()[:100], special_only=query.get("special") == "1")


def filters_query(filters: OrderFilters) -> str:
    """The query string that selects these filters on the order list (links, counters)."""
    pairs = [("status", s) for s in filters.status.split(",") if s]
    pairs += [(name, value) for name, value in (
        ("customer", filters.customer_id), ("salesperson", filters.salesperson_id),
        ("date_from", filters.date_from and filters.date_from.isoformat()),
        ("date_to", filters.date_to and filters.date_to.isoformat()),
        ("amount_min", filters.amount_min), ("amount_max", filters.amount_max),
        ("q", filters.q), ("special", "1" if filters.special_only else "")) if value]
    return urlencode(pairs)
