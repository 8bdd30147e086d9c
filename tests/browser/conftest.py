"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium cannot be downloaded by Playwright here, so it comes from the system (`apt-get install chromium`).
Where it is missing the browser tests are skipped, except under CI (CI=true), where that is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"Chromium is missing at {CHROMIUM}; CI never skips the browser tests.")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def context(context):
    # axe-core is injected through the DevTools protocol, which the strict Content Security Policy does not
    # apply to, so the policy stays enforced for everything the service itself serves.
    context.add_init_script(path=str(AXE_SOURCE))
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session", autouse=True)
def live_server_one_request_at_a_time_on_in_memory_sqlite():
    """On SQLite the tests' database is in memory, and the live server's request threads all share the test's
    one connection to it (there is no other way to see it), so two requests at once (a save sent as the page
    is left, and the next page) interleave on that connection and fail. Serve one at a time there. (A real
    SQLite file has a connection per request and queues writers: `make loadtest --database sqlite` shows it.)"""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # Requests run in the server's own thread, which LiveServerThread has given the shared connection.
            super().__init__(*args, **kwargs)

    threaded = LiveServerThread.server_class
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = OneRequestAtATime
    yield
    LiveServerThread.server_class = threaded
