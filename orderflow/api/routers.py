"""Every router of the API, registered in one place."""

from . import accounts, leads, masterdata, orders


def register_routers(api):
    api.add_router("/orders", orders.router)
    api.add_router("/leads", leads.router)
    api.add_router("/", masterdata.router)
    api.add_router("/me", accounts.router)
    return api
