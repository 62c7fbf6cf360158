"""Every router of the API, registered in one place."""

from . import (
    accounts,
    approval,
    archive,
    config,
    execution_finance,
    execution_logistics,
    execution_procurement,
    execution_production,
    execution_quality,
    execution_technology,
    exports,
    inbox,
    leads,
    masterdata,
    orders,
    release,
    review,
    settlement,
)


def register_routers(api):
    api.add_router("/orders", orders.router)
    api.add_router("/leads", leads.router)
    api.add_router("/", masterdata.router)
    api.add_router("/me", accounts.router)
    # Review (P3) and approval (P4.1) span /orders/{id}/..., /reviews, /review-opinions,
    # /review-reports, /approval-tasks, /delegations: mounted at the root like masterdata.
    api.add_router("/", review.router)
    api.add_router("/", approval.router)
    # Release (P4.2): /orders/{id}/work-packages|prints|customer-confirmations,
    # /work-packages, /workspace, /prints, /config/release-routes etc.
    api.add_router("/", release.router)
    # Execution (P5): /orders/{id}/production-tasks, /purchase-contracts, /shipments, ...
    for module in (execution_production, execution_procurement, execution_quality,
                   execution_technology, execution_logistics, execution_finance):
        api.add_router("/", module.router)
    # Settlement (P7) and archive (P9): /orders/{id}/settlement..., /archive/...
    api.add_router("/", settlement.router)
    api.add_router("/", archive.router)
    api.add_router("/exports", exports.router)
    api.add_router("/inbox", inbox.router)
    api.add_router("/config", config.router)
    return api
