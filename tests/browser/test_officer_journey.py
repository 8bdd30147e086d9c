"""A council officer's whole journey in a real browser, with JavaScript on."""

import re

import pypdf
import pytest
from playwright.sync_api import expect

from assessment.services.demo import DEMO_PASSWORD
from tests.browser.pages import Browser, SignInPage, ThemePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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

    # Results before submitting are provisional.
    page.goto(page.url.split("/themes/")[0] + "/results/")
    expect(page.get_by_text("Provisional: 2 of").first).to_be_visible()
    browser.check()
    page.go_back()

    # Finish every theme at level 4, except no incident response plan (a critical question, level 1) and a
    # first question already at the top of the scale (level 5).
    while True:
        theme.answer_all(level=4)
        if theme.title == "Cyber security":
            theme.choose_level_for("cyber-incident-response", 1)
            theme.wait_until_saved()
        if theme.title == "Leadership, strategy and culture":
            theme.choose_level(0, 5)
            theme.wait_until_saved()
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
    browser.check()
    incident = "How ready is the council to respond to a serious cyber incident?"
    # The critical alert is the first thing on the page.
    alert = page.get_by_role("region", name="1 critical alert")
    expect(alert).to_contain_text(incident)
    # Its recommendation is ranked first; the level-5 question has no action; cyber is among the biggest gaps.
    first_action = page.locator(".app-action-plan tbody tr").first
    expect(first_action).to_contain_text("Critical")
    expect(first_action).to_contain_text(incident)
    plan = page.locator(".app-action-plan").all_inner_texts()
    assert not any("How far is digital treated as part of the council's purpose" in text for text in plan)
    expect(page.get_by_role("heading", name="Biggest gaps to target").locator("xpath=..")).to_contain_text(
        "Cyber security"
    )

    # The PDF leads with the same alert on page 1.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report (PDF)").click()
    reader = pypdf.PdfReader(download.value.path())
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "1 critical alert" in first_page and incident in first_page
    assert len(reader.pages) <= 20

    # At 320 CSS pixels the results and the dashboard reflow: no sideways scrolling.
    page.set_viewport_size({"width": 320, "height": 800})
    browser.assert_reflows()
    browser.open("/")
    browser.assert_reflows()
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
    expect(page.get_by_text("1 of 12 answered")).to_be_visible()
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
