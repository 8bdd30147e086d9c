"""Two app servers on loopback sharing PostgreSQL and Redis, as production scales out: a session made on one
is good on the other, a rate limit counted on one holds on the other, and a report rendered by one is served
by the other without rendering it again.

Runs in CI's PostgreSQL pass (it needs its own database and Redis, which the SQLite pass does not use)."""

import os
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis
import requests

from tests.load.database import PASSWORD
from tests.load.run import BIN, ROOT, database_prepare, free_port, server_environment, wait_until_serving

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL and Redis: runs in the PostgreSQL pass",
)
OFFICER = "officer1-1@load.example"


@pytest.fixture(scope="module")
def two_servers():
    work = Path(tempfile.mkdtemp(prefix="shared-state-"))
    env = server_environment("postgres", work, name="maturity_shared") | {"SIGN_IN_RATE_PER_ADDRESS": "4/m"}
    database_prepare("postgres", env)
    subprocess.run([str(BIN / "python"), "-m", "tests.load.database", "seed", "1", str(work / "plan.json")],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
        wait_until_serving(urls[-1], servers[-1])
    yield urls, env
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


def _sign_in(browser: requests.Session, url: str, email: str = OFFICER, password: str = PASSWORD):
    browser.get(f"{url}/accounts/sign-in/", timeout=10)
    return browser.post(
        f"{url}/accounts/sign-in/",
        {"username": email, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=10,
    )


def _assessment_url(browser: requests.Session, url: str) -> str:
    import re

    page = browser.get(f"{url}/", timeout=10).text
    return re.search(r'href="(/assessments/\d+/)"', page).group(1)


def test_a_session_made_on_one_server_is_good_on_the_other(two_servers):
    (first, second), _ = two_servers
    browser = requests.Session()
    assert _sign_in(browser, first).status_code == 302

    response = browser.get(f"{second}/", allow_redirects=False, timeout=10)

    assert response.status_code == 200
    assert "Your assessments" in response.text


def test_a_report_rendered_by_one_server_is_served_by_the_other(two_servers):
    (first, second), env = two_servers
    browser = requests.Session()
    _sign_in(browser, first)
    report = _assessment_url(browser, first) + "report.pdf"

    rendered = browser.get(first + report, timeout=60)
    finished = _report_finished_at(env)
    served = browser.get(second + report, timeout=60)

    assert rendered.status_code == served.status_code == 200
    assert served.content == rendered.content
    assert _report_finished_at(env) == finished  # served from the shared store, not rendered again


def test_a_rate_limit_counted_on_one_server_holds_on_the_other(two_servers):
    (first, second), env = two_servers
    redis.Redis.from_url(env["CACHE_URL"]).flushdb()  # forget the other tests' sign-ins
    # Four attempts from this address (the limit), each for a different email, so that no account locks.
    for n, url in enumerate((first, second, first, second)):
        assert _sign_in(requests.Session(), url, email=f"guess{n}@load.example").status_code == 200

    assert _sign_in(requests.Session(), second, email="guess5@load.example").status_code == 429
    assert _sign_in(requests.Session(), first, email="guess6@load.example").status_code == 429


def _report_finished_at(env: dict):
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        return connection.execute("SELECT finished_at FROM assessment_reportfile").fetchone()[0]
