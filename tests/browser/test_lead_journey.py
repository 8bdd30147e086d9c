"""A lead and a newly invited officer take an assessment through a whole cycle, in a real browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from assessment.services.demo import DEMO_PASSWORD
from tests.browser.conftest import AXE_SOURCE
from tests.browser.pages import Browser, SignInPage, ThemePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_OFFICER = "priya.officer@exampleshire.example"
NEW_PASSWORD = "a-long-new-passphrase"


def test_invite_assign_answer_return_sign_off_with_trends_and_benchmarks(browser, live_server, demo):
    lead_context = browser.new_context()
    lead_context.add_init_script(path=str(AXE_SOURCE))
    lead = Browser(page=lead_context.new_page(), base_url=live_server.url)
    SignInPage(lead).sign_in("lead@exampleshire.example", DEMO_PASSWORD)
    page = lead.page

    # The lead invites a new officer.
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    lead.check()
    page.get_by_label("Email address").fill(NEW_OFFICER)
    page.get_by_label("Officer").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"An invitation has been emailed to {NEW_OFFICER}")).to_be_visible()
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)

    # The officer accepts in their own browser and creates an account.
    officer_context = browser.new_context()
    officer_context.add_init_script(path=str(AXE_SOURCE))
    officer = Browser(page=officer_context.new_page(), base_url=live_server.url)
    officer.page.goto(link)
    officer.check()
    officer.page.get_by_label("Your full name").fill("Priya Officer")
    officer.page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    officer.page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    officer.page.get_by_role("button", name="Create account and join").click()
    expect(officer.page.get_by_text("You have joined Exampleshire County Council")).to_be_visible()

    # The lead starts 2026/27 from 2025/26, pre-filled, and assigns cyber security to the new officer.
    page.get_by_role("link", name="Your assessments", exact=True).click()
    page.get_by_role("link", name=re.compile(r"2025.26 assessment")).click()
    page.get_by_role("link", name="Start the next assessment from this one").click()
    expect(page.get_by_role("heading", name="Start the next assessment from 2025/26")).to_be_visible()
    lead.check()
    page.get_by_label("2026/27").check()
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_text("answers carried forward from 2025/26").first).to_be_visible()
    lead.check()
    page.get_by_role("link", name="Assign themes to officers").click()
    expect(page.get_by_role("heading", name="Assign themes")).to_be_visible()
    lead.check()
    page.get_by_label("Assign Cyber security to").select_option(label="Priya Officer")
    page.get_by_role("button", name="Save assignments").click()
    expect(page.get_by_text("Assigned to Priya Officer")).to_be_visible()

    # The officer finds the theme on their dashboard, confirms its answers and submits.
    officer.page.reload()
    expect(officer.page.get_by_role("heading", name="Assigned to me")).to_be_visible()
    officer.check()
    officer.page.get_by_role("link", name="Cyber security").click()
    expect(officer.page.get_by_role("heading", name="Cyber security")).to_be_visible()
    # 2025/26 was answered on edition 1 of the bank, 2026/27 on edition 2: a merged question carries its answer.
    merged = officer.page.locator("#question-cyber-endpoint-security")  # edition 1's cyber-home-working-devices
    expect(merged.get_by_text("Carried forward: confirm or change")).to_be_visible()
    expect(merged.locator("input[type=radio]:checked")).to_have_count(1)
    officer.check()
    theme = ThemePage(officer)

    # Submitting straight away is refused: the carried-forward answers are not confirmed yet.
    officer.page.get_by_role("link", name="Back to all themes").click()
    expect(officer.page.get_by_text("still to confirm").first).to_be_visible()
    officer.page.get_by_role("link", name="Check your answers and submit", exact=True).click()
    officer.page.get_by_label("I confirm these answers are an honest account").check()
    officer.page.get_by_role("button", name="Submit assessment").click()
    summary = officer.page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("carried-forward answers? in Cyber security"))).to_be_visible()
    officer.check()

    # The officer checks every theme from the first, changes what is wrong, and confirms the rest in one go
    # (edition 2 also asks new questions, with nothing to carry).
    summary.get_by_role("link", name=re.compile("carried-forward answers in Leadership, strategy and culture")).click()
    while True:
        officer.check()
        theme.answer_all(level=3)
        confirm = officer.page.get_by_role("button", name=re.compile(r"^Confirm \d+ carried-forward answers?"))
        with officer.page.expect_navigation():
            if confirm.count():
                confirm.click()
            else:
                officer.page.get_by_role("button", name="Save and continue").click()
        if officer.page.get_by_role("heading", name="Check your answers before you submit").is_visible():
            break
    officer.page.get_by_label("I confirm these answers are an honest account").check()
    officer.page.get_by_role("button", name="Submit assessment").click()
    expect(officer.page.get_by_role("heading", name="Assessment submitted")).to_be_visible()

    # The lead returns cyber security once.
    page.reload()
    page.get_by_role("link", name="Review and sign off").click()
    expect(page.get_by_role("heading", name="Review and sign off")).to_be_visible()
    lead.check()
    page.get_by_role("link", name="Return Cyber security with a comment").click()
    page.get_by_label("What needs to change?").fill("Please add the incident response plan as evidence.")
    page.get_by_role("button", name="Return theme").click()
    expect(page.get_by_text("has been returned with your comment")).to_be_visible()

    # The officer sees why, adds an evidence item on the theme page, lowers one answer and replies.
    officer.page.get_by_role("link", name="Your assessments", exact=True).click()
    officer.page.get_by_role("link", name="Cyber security").click()
    expect(officer.page.get_by_text("Please add the incident response plan as evidence.")).to_be_visible()
    incident = officer.page.locator("#question-cyber-incident-response")
    incident.get_by_text("Add an evidence item").click()
    incident.get_by_label("What is the evidence?").fill("Incident response plan v3")
    incident.get_by_label("Who owns it?").fill("Head of IT")
    incident.get_by_role("button", name=re.compile("Add evidence item")).click()
    expect(officer.page.get_by_text("The evidence item has been added.")).to_be_visible()
    expect(officer.page.locator("#question-cyber-incident-response")).to_contain_text("Incident response plan v3")
    officer.check()
    theme.choose_level_for("cyber-backups-recovery", 2)
    theme.wait_until_saved()
    officer.page.goto(officer.base_url + "/")
    officer.page.get_by_role("link", name=re.compile(r"2026.27 assessment")).click()
    officer.page.get_by_role("link", name="Check your answers and submit", exact=True).click()
    officer.page.get_by_label("Your reply to the lead about Cyber security").fill("Plan added; backups lowered to 2.")
    officer.page.get_by_label("I confirm these answers are an honest account").check()
    officer.page.get_by_role("button", name="Submit assessment").click()
    expect(officer.page.get_by_role("heading", name="Assessment submitted")).to_be_visible()

    # The lead sees the thread: the comment, the reply and what changed since the theme was returned.
    page.reload()
    page.get_by_text(re.compile("History and .* changed answer")).first.click()
    expect(page.get_by_text("“Plan added; backups lowered to 2.”")).to_be_visible()
    expect(page.get_by_text(re.compile("level 3 → level 2"))).to_be_visible()
    expect(page.get_by_text(re.compile("1 evidence item added"))).to_be_visible()
    lead.check()
    # On a phone the themes stack, so each theme's Accept and Return are in view, never off to the side.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    themes = page.get_by_role("region", name="Themes")
    assert themes.evaluate("region => region.scrollWidth <= region.clientWidth")  # nothing to scroll sideways to
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Accept Cyber security").click()
    expect(page.get_by_text("You have accepted “Cyber security”.")).to_be_visible()

    # The lead signs off; having reviewed only cyber security, they are asked to confirm the rest.
    page.get_by_role("button", name="Sign off and lock").click()
    expect(page.get_by_role("heading", name=re.compile(r"Sign off without reviewing 12 themes\?"))).to_be_visible()
    lead.check()
    page.get_by_role("button", name="Sign off without reviewing them").click()
    expect(page.get_by_text("is signed off and locked")).to_be_visible()
    expect(page.get_by_text(re.compile("Signed off without reviewing: Leadership"))).to_be_visible()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", name="Over time")).to_be_visible()
    expect(page.get_by_role("table", name="Scores over time")).to_be_visible()
    expect(page.get_by_text("County councils (5 councils)")).to_be_visible()
    lead.check()
    lead_context.close()
    officer_context.close()
