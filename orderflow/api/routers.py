"""Every router of the API, registered in one place."""


def register_routers(api):
    return api
