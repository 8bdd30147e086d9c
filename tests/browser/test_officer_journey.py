"""A council officer's whole journey in a real browser, with JavaScript on."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessment.services.demo import DEMO_PASSWORD
from tests.browser.pages import Browser, SignInPage, ThemePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo only runs locally
    call_command("load_question_bank", verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


def test_officer_answers_leaves_returns_submits_and_sees_results(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in("officer@exampleshire.example", DEMO_PASSWORD)

    # Start the assessment for this financial year.
    page.get_by_role("button", name="Start a new assessment").click()
    browser.check()
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_text("You have answered 0 of")).to_be_visible()
    browser.check()

    # Answer the first theme as an officer would: each choice is saved as they go.
    page.get_by_role("link", name="Leadership, strategy and culture").click()
    browser.check()
    theme = ThemePage(browser)
    theme.choose_level(0, 3)
    theme.type_evidence(0, "Digital strategy approved by Cabinet, March 2026.")
    theme.wait_until_saved()
    theme.choose_level(1, 2)
    theme.wait_until_saved()
    expect(page.locator("#autosave-status")).to_have_attribute("role", "status")

    # Leave without pressing a button, then come back: the answers are there.
    page.get_by_role("link", name="Your assessments").click()
    page.get_by_role("link", name=re.compile(r"20\d\d.\d\d assessment")).first.click()
    expect(page.get_by_text("You have answered 2 of")).to_be_visible()
    page.get_by_role("link", name="Leadership, strategy and culture").click()
    expect(theme.questions().nth(0).get_by_label("Level 3:")).to_be_checked()
    expect(theme.questions().nth(0).locator("textarea")).to_have_value(
        "Digital strategy approved by Cabinet, March 2026."
    )
    expect(theme.questions().nth(1).get_by_label("Level 2:")).to_be_checked()

    # Finish every theme.
    while True:
        theme.answer_all(level=4)
        theme.save_and_continue()
        if page.get_by_role("heading", name="Check your answers before you submit").is_visible():
            break

    # Check answers and submit with confirmation.
    page.get_by_label("I confirm these answers are an honest account").check()
    page.get_by_role("button", name="Submit assessment").click()
    expect(page.get_by_role("heading", name="Assessment submitted")).to_be_visible()
    browser.check()

    page.get_by_role("button", name="See your results").click()
    expect(page.get_by_role("heading", name="Digital maturity results")).to_be_visible()
    expect(page.get_by_text("Level 3: Defined").or_(page.get_by_text("Level 4: Embedded")).first).to_be_visible()
    browser.check()
    assert len(browser.checked) >= 10


def test_theme_page_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Email address").fill("officer@exampleshire.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name="Cyber security").click()
    page.locator("[data-question]").nth(0).get_by_label("Level 2:").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers to “Cyber security” have been saved.")).to_be_visible()
    expect(page.get_by_text("1 of 9 answered")).to_be_visible()
    context.close()


def test_a_failed_save_is_shown_and_retried_and_nothing_typed_is_lost(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in("officer@exampleshire.example", DEMO_PASSWORD)
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name="Cyber security").click()

    failures = []

    def fail_first_save(route):
        if not failures:
            failures.append(route.request.url)
            route.abort()  # the network drops the first save
        else:
            route.continue_()

    page.route("**/answers/autosave/", fail_first_save)
    theme = ThemePage(browser)
    theme.choose_level(0, 2)
    theme.type_evidence(0, "Typed while the connection was down")
    expect(page.locator("#autosave-status")).to_contain_text("have not been saved yet")
    theme.wait_until_saved()  # the retry succeeds on its own
    assert len(failures) == 1
    page.reload()
    expect(theme.questions().nth(0).locator("textarea")).to_have_value("Typed while the connection was down")
    expect(theme.questions().nth(0).get_by_label("Level 2:")).to_be_checked()


def test_evidence_typed_just_before_leaving_the_page_is_saved(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in("officer@exampleshire.example", DEMO_PASSWORD)
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name="Cyber security").click()
    theme = ThemePage(browser)
    theme.type_evidence(0, "Typed a moment before leaving")
    # Leave at once, before the pause in typing that would normally trigger the save.
    page.get_by_role("link", name="Back to all themes").click()
    expect(page.get_by_role("heading", name=re.compile("Digital maturity assessment"))).to_be_visible()
    page.get_by_role("link", name="Cyber security").click()
    expect(theme.questions().nth(0).locator("textarea")).to_have_value("Typed a moment before leaving")
