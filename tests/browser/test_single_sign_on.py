"""Signing in with a council account in a real browser: the service's pages, a real OpenID Provider's sign-in
page, and back, with every page of the service checked by axe-core."""

import pytest
from playwright.sync_api import expect

from assessment.models import Organisation, SingleSignOn
from tests.browser.pages import Browser
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, PASSWORD, provider_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def provider_for_browser(live_server, tmp_path_factory):
    provider = provider_start(
        [f"{live_server.url}/accounts/single-sign-on/callback/"], tmp_path_factory.mktemp("oidc-browser")
    )
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)


def test_an_officer_signs_in_with_their_council_account_for_the_first_time(
    page, live_server, demo, provider_for_browser
):
    council = Organisation.objects.get(name__startswith="Exampleshire")
    SingleSignOn.objects.create(
        organisation=council, issuer=provider_for_browser.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        email_domains="exampleshire.gov.uk",
    )  # fmt: skip
    browser = Browser(page=page, base_url=live_server.url)

    browser.open("/accounts/sign-in/")
    page.get_by_role("link", name="sign in with the account you use for your council's email").click()
    expect(page.get_by_role("heading", name="Sign in with your council account")).to_be_visible()
    browser.check()

    page.get_by_label("Work email address").fill("someone@nowhere.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Your council has not set up single sign-on")).to_be_visible()
    browser.check()

    page.get_by_label("Work email address").fill("new.officer@exampleshire.gov.uk")
    page.get_by_role("button", name="Continue").click()
    # The council's own sign-in page, at the provider.
    page.locator("input[name=username]").fill("new.officer@exampleshire.gov.uk")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
    expect(page.get_by_text(council.name).first).to_be_visible()
    browser.check()
