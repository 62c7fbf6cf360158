"""One person's browser session for the browser tests: a fresh context, logged in through
the login form, Chinese locale; and waiting until a page is idle before the database is
read (htmx loads included)."""

import contextlib

PASSWORD = "pass12345!"   # orderflow.testing.factories.UserFactory


def settle(page) -> None:
    """Wait until the page has no request in flight (htmx loads included), so that the
    test reads the database only while the server does not use it."""
    page.wait_for_load_state("networkidle")


@contextlib.contextmanager
def signed_in(browser, live_server, username: str):
    """A page in a fresh browser context, logged in through the login form."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        yield page
        settle(page)
    finally:
        context.close()
