"""Sessions that end while an officer is away: warned first, offered more time, and nothing typed lost."""

import re

import pytest
from playwright.sync_api import expect

from assessment.services.demo import DEMO_PASSWORD
from tests.browser.pages import Browser, SignInPage, ThemePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICER = "officer@exampleshire.example"


def _open_a_theme(page, browser) -> ThemePage:
    SignInPage(browser).sign_in(OFFICER, DEMO_PASSWORD)
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name="Cyber security").click()
    return ThemePage(browser)


def test_officer_is_warned_before_an_idle_session_ends_and_can_stay_signed_in(page, live_server, demo, settings):
    # A 14-second session with a 10-second warning stands in for 30 minutes and 2.
    settings.SESSION_IDLE_SECONDS = settings.SESSION_COOKIE_AGE = 14
    settings.SESSION_WARNING_SECONDS = 10
    browser = Browser(page=page, base_url=live_server.url)
    theme = _open_a_theme(page, browser)
    theme_url = page.url

    warning = page.get_by_role("dialog", name="You are about to be signed out")
    expect(warning).to_be_visible(timeout=8_000)
    expect(warning).to_contain_text(re.compile(r"we will sign you out in ([1-9]|10) seconds"))
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    browser.check()

    # Staying signed in renews the session on the server: a save made after the first 14 seconds still works.
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(2_000)
    theme.choose_level(0, 3)
    theme.wait_until_saved()

    # Left alone, the page goes to the sign-in page, which says why, and signing in comes back here.
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?reason=inactive"), timeout=20_000)
    expect(page.get_by_text("You were signed out because you had not used the service")).to_be_visible()
    browser.check()
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(theme_url)
    expect(theme.questions().nth(0).get_by_label("Level 3:")).to_be_checked()


def test_an_answer_changed_after_the_session_ended_is_saved_once_the_officer_signs_in_again(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    theme = _open_a_theme(page, browser)
    theme_url = page.url
    theme.choose_level(0, 2)
    theme.wait_until_saved()

    # The session ends on the server (another tab signed out, say) while the page stays open.
    page.context.clear_cookies()
    theme.type_evidence(0, "Typed after the session had ended")
    expect(page.locator("#autosave-status")).to_contain_text("You have been signed out")

    page.goto(f"{live_server.url}/accounts/sign-in/?next={theme_url.removeprefix(live_server.url)}")
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(theme_url)
    theme.wait_until_saved()
    page.reload()
    expect(theme.questions().nth(0).locator("textarea")).to_have_value("Typed after the session had ended")
    expect(theme.questions().nth(0).get_by_label("Level 2:")).to_be_checked()
