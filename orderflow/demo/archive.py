"""The demo company's archive (P9): settled orders archived, query requests filed by
Production, Quality and Logistics, approved or declined by their heads, one grant
already expired. Called by the loader after settlement has settled some orders."""

import datetime as dt
from collections import Counter

from orderflow.archive.services import (
    order_archive,
    query_approve,
    query_decline,
    query_request_file,
)
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order

from .review import at

# (requester, decider, decision, days ago it was filed, days wanted, purpose)
QUERIES = [
    ("production1", "productionhead", "approve", 0, 14,
     "同型号产品再生产，需要参考工艺要求和检验记录"),
    ("quality1", "qualityhead", "decline", 1, 7, "了解客户价格"),
    ("logistics1", "logisticshead", "approve", 40, 10, "核对历史发货记录（运输索赔）"),
]
DECLINE_REASON = "查询目的与本部门工作无关，价格信息请向销售部咨询。"


def archive_some(users: dict, *, keep_settled: int = 1) -> Counter:
    """Archive the settled orders but the newest `keep_settled` (left for the archive
    button): the salesperson archives every other one, Archive staff the rest; then file
    and decide the query requests of QUERIES on the first archived orders."""
    settled = list(Order.objects.filter(status=State.SETTLED).order_by("id")
                   .select_related("salesperson"))
    outcome = Counter()
    to_archive = settled[:max(0, len(settled) - keep_settled)]
    for i, order in enumerate(to_archive):
        actor = order.salesperson if i % 2 == 0 else users["archive1"]
        order_archive(order_id=order.pk, actor=actor)
        outcome["archived"] += 1
    for n, query in enumerate(QUERIES if to_archive else []):   # the archived in turn
        outcome[_query(users, to_archive[n % len(to_archive)], *query)] += 1
    return outcome


def _query(users, order, requester, decider, decision, days_ago, days, purpose) -> str:
    filed_at = clock.now() - dt.timedelta(days=days_ago)
    with at(filed_at):
        query = query_request_file(
            actor=users[requester], order_number=order.number, purpose=purpose,
            wanted_until=clock.today() + dt.timedelta(days=days))
        if decision == "approve":
            query_approve(query_id=query.pk, actor=users[decider], comment="同意查询")
            return "expired" if days_ago > days else "approved"
        query_decline(query_id=query.pk, actor=users[decider], reason=DECLINE_REASON)
        return "declined"
