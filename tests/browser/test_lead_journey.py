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
    # The officer confirms every theme, from the first (edition 2 also asks new questions, with nothing to carry).
    officer.page.get_by_role("link", name="Back to all themes").click()
    officer.page.get_by_role("link", name="Leadership, strategy and culture").click()
    while True:
        theme.answer_all(level=3)
        theme.save_and_continue()
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

    # The officer sees why, adds evidence and submits again.
    officer.page.get_by_role("link", name="Your assessments", exact=True).click()
    officer.page.get_by_role("link", name="Cyber security").click()
    expect(officer.page.get_by_text("Please add the incident response plan as evidence.")).to_be_visible()
    officer.page.get_by_role("link", name=re.compile("Add or remove evidence items")).first.click()
    expect(officer.page.get_by_role("heading", name="Evidence items")).to_be_visible()
    officer.check()
    officer.page.get_by_label("What is the evidence?").fill("Incident response plan v3")
    officer.page.get_by_label("Who owns it?").fill("Head of IT")
    officer.page.get_by_role("button", name="Add evidence item").click()
    expect(officer.page.get_by_text("The evidence item has been added.")).to_be_visible()
    officer.page.goto(officer.base_url + "/")
    officer.page.get_by_role("link", name=re.compile(r"2026.27 assessment")).click()
    officer.page.get_by_role("link", name="Check your answers and submit").click()
    officer.page.get_by_label("I confirm these answers are an honest account").check()
    officer.page.get_by_role("button", name="Submit assessment").click()
    expect(officer.page.get_by_role("heading", name="Assessment submitted")).to_be_visible()

    # The lead signs off; the results show the trend and a peer benchmark.
    page.reload()
    page.get_by_role("button", name="Sign off and lock").click()
    expect(page.get_by_text("is signed off and locked")).to_be_visible()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", name="Over time")).to_be_visible()
    expect(page.get_by_role("table", name="Scores over time")).to_be_visible()
    expect(page.get_by_text("County councils (5 councils)")).to_be_visible()
    lead.check()
    lead_context.close()
    officer_context.close()
