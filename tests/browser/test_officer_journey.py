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
    # The critical alerts are the first thing on the page: no incident response plan, and the other baseline
    # controls, claimed at level 4 with no evidence item behind them.
    alert = page.get_by_role("region", name=re.compile(r"^\d+ critical alerts$"))
    expect(alert).to_contain_text(f"{incident} (Cyber security, level 1: Initial)")
    expect(alert).to_contain_text("(Cyber security, level 4, no evidence)")
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
    assert "critical alerts" in first_page and incident in first_page
    assert len(reader.pages) <= 20

    # At 320 CSS pixels the results and the dashboard reflow: no sideways scrolling.
    page.set_viewport_size({"width": 320, "height": 800})
    browser.assert_reflows()
    # The wide tables scroll in their regions, their text columns wide enough to read: squeezed to the
    # screen, an action ran to two or three words a line.
    first_action = page.locator(".app-action-plan tbody tr").first.locator("td").nth(1)
    assert first_action.bounding_box()["width"] >= 200
    browser.open("/")
    browser.assert_reflows()
    assert len(browser.checked) >= 10


def test_theme_page_works_without_javascript(browser, page, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    checker = Browser(page=page, base_url=live_server.url)  # with JavaScript, to run axe on copies of these pages
    page = context.new_page()
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Email address").fill("officer@exampleshire.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name="Cyber security").click()
    checker.check_copy_of(page)
    first = page.locator("[data-question]").nth(0)
    first.get_by_label("Level 2:").check()
    first.get_by_label("Notes on this answer").fill("Typed before adding an item")

    # Add an evidence item from the theme page itself: the typed answer and notes are saved with it.
    first.get_by_text("Add an evidence item").click()
    first.get_by_label("What is the evidence?").fill("Risk register extract")
    first.get_by_label("Who owns it?").fill("Head of IT")
    first.get_by_role("button", name=re.compile("Add evidence item")).click()
    expect(page.get_by_text("The evidence item has been added. Your answers have been saved.")).to_be_visible()
    checker.check_copy_of(page)
    first = page.locator("[data-question]").nth(0)
    expect(first.get_by_label("Level 2:")).to_be_checked()
    expect(first.get_by_label("Notes on this answer")).to_have_value("Typed before adding an item")
    expect(first).to_contain_text("Risk register extract")

    # And remove it, again without losing what was typed since.
    first.get_by_label("Notes on this answer").fill("Changed before removing the item")
    first.get_by_role("button", name="Remove Risk register extract").click()
    expect(page.get_by_text("“Risk register extract” has been removed.")).to_be_visible()
    first = page.locator("[data-question]").nth(0)
    expect(first).not_to_contain_text("Risk register extract")
    expect(first.get_by_label("Notes on this answer")).to_have_value("Changed before removing the item")

    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers to “Cyber security” have been saved.")).to_be_visible()
    expect(page.get_by_text("1 of 12 answered")).to_be_visible()
    checker.check_copy_of(page)
    context.close()


def test_a_whole_theme_can_be_answered_with_the_keyboard_and_focus_is_never_hidden(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in("officer@exampleshire.example", DEMO_PASSWORD)
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_role("link", name="Cyber security").click()
    browser.check()
    page.set_viewport_size({"width": 1280, "height": 600})  # a short window, where a stuck status line would cover
    theme = ThemePage(browser)
    answered: set[str] = set()

    def press(key: str) -> dict:
        page.keyboard.press(key)
        # Hidden means outside the window, or under something stuck to the window (a sticky or fixed element): the
        # transparent radio inputs of GOV.UK Frontend sit above such a bar, so hit-testing alone would miss it.
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const box = el.getBoundingClientRect();
                const overlaps = (r) => r.width > 0 && r.height > 0 && r.left < box.right && r.right > box.left
                                        && r.top < box.bottom && r.bottom > box.top;
                const covering = [...document.querySelectorAll('body *')].filter((other) => {
                    const position = getComputedStyle(other).position;
                    return (position === 'sticky' || position === 'fixed') && !other.contains(el)
                        && overlaps(other.getBoundingClientRect());
                });
                return {
                    tag: el.tagName, type: el.type || '', name: el.name || '', text: (el.innerText || '').trim(),
                    inView: box.top >= 0 && box.bottom <= window.innerHeight,
                    uncovered: covering.length === 0,
                };
            }"""
        )
        assert focused["inView"] and focused["uncovered"], f"focus is hidden after {key}: {focused}"
        return focused

    for _ in range(600):
        focused = press("Tab")
        if focused["type"] == "radio" and focused["name"] not in answered:
            # Arrow keys move through the levels, as a keyboard user chooses one: level 3 here.
            press("ArrowDown")
            press("ArrowDown")
            answered.add(focused["name"])
            theme.wait_until_saved()
        if focused["tag"] == "BUTTON" and focused["text"] == "Save and continue":
            break
    else:
        raise AssertionError("never reached the Save and continue button")
    assert len(answered) == theme.questions().count()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Infrastructure and place-based technology")).to_be_visible()


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


def test_an_answer_given_before_the_page_has_finished_loading_is_saved(page, live_server, demo):
    """On a slow connection the radios can be used while the page's scripts are still arriving."""
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in("officer@exampleshire.example", DEMO_PASSWORD)
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Start assessment").click()

    held_scripts = []

    def hold_first_script(route):
        if held_scripts:
            route.continue_()
        else:
            held_scripts.append(route)

    page.route("**/autosave*.js", hold_first_script)
    page.get_by_role("link", name="Cyber security").click()
    theme = ThemePage(browser)
    theme.choose_level(0, 3)
    theme.type_evidence(0, "Answered before the page had loaded")
    while not held_scripts:
        page.wait_for_timeout(50)
    held_scripts[0].continue_()  # the script arrives after the answer was given

    theme.wait_until_saved()
    page.reload()
    expect(theme.questions().nth(0).get_by_label("Level 3:")).to_be_checked()
    expect(theme.questions().nth(0).locator("textarea")).to_have_value("Answered before the page had loaded")


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


def test_a_box_with_an_error_is_outlined_in_the_error_colour(page, live_server, demo):
    # The email and password boxes kept their black border beside "Enter your email address": the GOV.UK
    # form library marks only text boxes, selects and text areas.
    browser = Browser(page=page, base_url=live_server.url)
    browser.open("/accounts/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    error_colour = page.locator(".govuk-error-message").first.evaluate("e => getComputedStyle(e).color")
    for label in ("Email address", "Password"):
        border = page.get_by_label(label).evaluate("e => getComputedStyle(e).borderTopColor")
        assert border == error_colour, label
    browser.check()
