"""Translated explanations of preliminary-check findings (P2.3.1)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .domain.check import Severity


def _field_label(name: str) -> str:
    labels = {
        "contact_name": _("contact person"), "contact_phone": _("phone"),
        "delivery_date": _("delivery date"), "delivery_place": _("delivery place"),
    }
    return labels.get(name, name)


_MONEY_PARAMS = ("limit", "outstanding", "order", "exposure", "over", "price", "standard")


def _formatted(params: dict) -> dict:
    """Amounts with thousands separators, as finance staff read them (¥1,234,567.00)."""
    out = dict(params)
    for key in _MONEY_PARAMS:
        if key in out:
            try:
                out[key] = f"{Decimal(str(out[key])):,.2f}"
            except (InvalidOperation, ValueError):
                pass
    return out


def explain(finding: dict) -> str:
    """The finding's message in the active language."""
    p = _formatted(finding.get("params", {}))
    code = finding["code"]
    messages = {
        "field_missing": lambda: _("%(field)s is missing: ask the customer.")
        % {"field": _field_label(p.get("field", ""))},
        "no_lines": lambda: _("The order has no lines."),
        "payment_terms_missing": lambda: _("No payment terms: agree instalments with the "
                                           "customer."),
        "payment_terms_not_100": lambda: _("Payment instalments add up to %(total)s%%, not "
                                           "100%%.") % p,
        "phone_doubtful": lambda: _("The phone number %(phone)s does not look valid.") % p,
        "complete": lambda: _("All required information is present."),
        "customer_inactive": lambda: _("The customer is marked inactive."),
        "product_inactive": lambda: _("Line %(line)s: product %(product)s is no longer "
                                      "active.") % p,
        "price_deviation": lambda: _("Line %(line)s: unit price %(price)s is %(percent)s%% "
                                     "away from the standard price %(standard)s.") % p,
        "credit_rating_poor": lambda: _("Credit rating %(rating)s is poor: management must "
                                        "decide.") % p,
        "credit_limit_exceeded": lambda: _(
            "Credit limit %(limit)s exceeded: outstanding %(outstanding)s + this order "
            "%(order)s = %(exposure)s, %(over)s over.") % p,
        "credit_ok": lambda: _(
            "Credit rating %(rating)s; outstanding %(outstanding)s + this order %(order)s = "
            "%(exposure)s, within the limit %(limit)s.") % p,
        "delivery_in_past": lambda: _("The delivery date %(delivery)s is already past.") % p,
        "delivery_too_tight": lambda: _(
            "Delivery date %(delivery)s is too tight: %(product)s needs %(days)s days, the "
            "earliest possible date is %(earliest)s.") % p,
        "delivery_ok": lambda: _(
            "Delivery date %(delivery)s is feasible: the longest lead time is %(days)s days "
            "(%(product)s), earliest %(earliest)s.") % p,
    }
    maker = messages.get(code)
    return maker() if maker else code


def severity_label(severity: str) -> str:
    return {
        Severity.OK: _("OK"), Severity.MISSING: _("Missing"), Severity.DOUBTFUL: _("Doubtful"),
        Severity.RISK: _("Risk"),
    }.get(severity, severity)
