"""Finance reads (P5.4.3): the order's cost records, its actual margin against the margin
Finance estimated in the review (P3.2.5), and the order page's summary line."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Subquery, Sum
from django.utils.translation import gettext as _

from orderflow.archive.permissions import may_see_prices
from orderflow.core.errors import NotPermitted
from orderflow.review.models import OpinionStatus, Review, ReviewOpinion

from ..domain.margin import difference, margin, margin_percent
from ..models import CostCategory, CostRecord
from .overview import OpenItem, Summary

DEPT = "finance"
ZERO = Decimal(0)


def require_prices(user) -> None:
    """Costs and margins only for who may see prices (P9.2.2).

    Raises:
        NotPermitted.
    """
    if not may_see_prices(user):
        raise NotPermitted(_("Costs and margins are shown only to the roles allowed to see "
                             "them."))


def costs_seen_by(user, order) -> list[CostRecord]:
    require_prices(user)
    return costs_for(order)


def margin_seen_by(user, order) -> "Margin":
    require_prices(user)
    return margin_for(order)


def costs_for(order) -> list[CostRecord]:
    """The order's cost records, newest first, with who recorded them (1 query)."""
    return list(CostRecord.objects.filter(order_id=order.pk)
                .select_related("created_by", "on_behalf_of", "corrects"))


@dataclass
class CategoryCost:
    code: str
    label: str
    amount: Decimal


@dataclass
class Margin:
    """The order's margin (P5.4.3): revenue is the amount before tax."""

    revenue: Decimal
    currency: str
    estimated_cost: Decimal | None = None
    estimated_margin: Decimal | None = None
    estimated_margin_percent: Decimal | None = None
    by_category: list[CategoryCost] = field(default_factory=list)
    actual_cost: Decimal = ZERO
    actual_margin: Decimal = ZERO
    actual_margin_percent: Decimal | None = None
    margin_difference: Decimal | None = None          # actual - estimated, in money
    margin_percent_difference: Decimal | None = None  # actual - estimated, in points
    cost_difference: Decimal | None = None            # actual - estimated cost
    review_round: int | None = None
    has_costs: bool = False

    @property
    def below_estimate(self) -> bool:
        return self.margin_percent_difference is not None and self.margin_percent_difference < 0


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def finance_estimate(order) -> tuple[Decimal | None, Decimal | None, int | None]:
    """(estimated cost, margin %, round) from Finance's opinion in the latest concluded
    review round of the order (P3.2.5); Nones without one (1 query)."""
    latest = (Review.objects.filter(order_id=order.pk, subject_kind="order",
                                    concluded_at__isnull=False)
              .order_by("-round").values("pk")[:1])
    opinion = (ReviewOpinion.objects.filter(review_id=Subquery(latest),
                                            department__code="finance",
                                            status=OpinionStatus.SUBMITTED)
               .values_list("details", "review__round").first())
    if opinion is None:
        return None, None, None
    details, review_round = opinion
    details = details if isinstance(details, dict) else {}
    return (_decimal(details.get("estimated_cost")), _decimal(details.get("margin_percent")),
            review_round)


def margin_for(order) -> Margin:
    """Actual costs by category and total, actual margin and %, and the difference to
    Finance's estimate (2 queries)."""
    labels = dict(CostCategory.choices)
    sums = dict(CostRecord.objects.filter(order_id=order.pk).values("category")
                .annotate(s=Sum("amount")).values_list("category", "s"))
    revenue = order.total_net
    actual = sum(sums.values(), ZERO)
    est_cost, est_percent, review_round = finance_estimate(order)
    result = Margin(revenue=revenue, currency=order.currency, review_round=review_round,
                    by_category=[CategoryCost(code, str(labels[code]), sums[code])
                                 for code in labels if code in sums],
                    actual_cost=actual, actual_margin=margin(revenue, actual),
                    actual_margin_percent=margin_percent(revenue, actual), has_costs=bool(sums))
    if est_cost is not None:
        result.estimated_cost = est_cost
        result.estimated_margin = margin(revenue, est_cost)
        result.cost_difference = difference(actual, est_cost)
        result.margin_difference = difference(result.actual_margin, result.estimated_margin)
    result.estimated_margin_percent = est_percent
    result.margin_percent_difference = difference(result.actual_margin_percent, est_percent)
    return result


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def summary(order, package) -> Summary:
    """Headline: actual against estimated margin; an open item when the actual margin is
    below the estimate (2 queries, P6.1.2)."""
    result = margin_for(order)
    if not result.has_costs:
        headline = _("No cost recorded yet; estimated margin %(estimated)s") % {
            "estimated": _pct(result.estimated_margin_percent)}
    else:
        headline = _("Actual margin %(actual)s, estimated %(estimated)s") % {
            "actual": _pct(result.actual_margin_percent),
            "estimated": _pct(result.estimated_margin_percent)}
    items = []
    if result.has_costs and result.below_estimate:
        items.append(OpenItem(
            _("Actual margin is %(points)s points below the estimate")
            % {"points": _pct(-result.margin_percent_difference).rstrip("%")},
            late=True, url=f"/work-packages/{package.pk}/"))
    return Summary(headline=headline, open_items=items)
