"""Real Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import shutil
import threading

import pytest

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls
# (building fixtures) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield instance
        instance.close()
        # Inside Playwright's event loop the ORM keeps its connection in a separate
        # context; close it here, or it outlives the test database.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """pytest-django's live server, but stopped before the test database is dropped
    (it depends on django_db_setup), so no server connection outlives the database."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def one_request_at_a_time(live_server):
    """On in-memory SQLite (the CI's e2e run) the live server's request threads share the
    test's one connection; a page firing htmx requests on load (inbox badge, counters)
    would use it from two threads at once. Serve one request at a time there, as a
    single-threaded server would. PostgreSQL gives each thread its own connection."""
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    httpd, lock = live_server.thread.httpd, threading.Lock()
    app = httpd.get_app()

    def serialised(environ, start_response):
        with lock:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()

    httpd.set_app(serialised)
    yield
    httpd.set_app(app)
