"""A question-bank editor drafts, edits, previews and publishes a new version in the browser.

The Django admin pages are Django's own; axe-core checks the preview, which is our officers' page."""

import re

import pytest
from playwright.sync_api import expect

from assessment.models import Assessment, BankVersion, Question
from assessment.services.demo import DEMO_PASSWORD
from tests.browser.pages import Browser, SignInPage

NEW_TEXT = "How far is digital part of the council's purpose and plans?"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_drafts_edits_previews_and_publishes(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in_setting_up_two_factor("admin@platform.example", DEMO_PASSWORD)

    page.goto(live_server.url + "/admin/assessment/bankversion/")
    page.get_by_role("link", name=re.compile(r"version 2 \(published\)")).click()
    page.get_by_role("link", name="Start a new draft").click()
    page.get_by_role("button", name="Start a new draft").click()
    expect(page.get_by_text("Draft version 3 is ready to edit.")).to_be_visible()

    draft = BankVersion.objects.get(status=BankVersion.Status.DRAFT)
    question = draft.questions.order_by("theme__position", "position").first()
    page.goto(f"{live_server.url}/admin/assessment/question/{question.pk}/change/")
    page.locator("#id_text").fill(NEW_TEXT)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    browser.open(f"/admin/assessment/theme/{question.theme_id}/preview/")  # axe-checked: officers' page
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()

    page.goto(f"{live_server.url}/admin/assessment/bankversion/{draft.pk}/change/")
    page.get_by_role("link", name="Publish").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 3 is published")).to_be_visible()

    assert BankVersion.objects.get(number=2).status == BankVersion.Status.RETIRED
    assert BankVersion.objects.get(number=3).status == BankVersion.Status.PUBLISHED
    # Submitted assessments keep the version they were answered against, and its wording.
    sampleton = Assessment.objects.get(organisation__name="Sampleton District Council")
    assert sampleton.bank_version.number == 1
    assert Question.objects.get(version__number=3, key=question.key).text == NEW_TEXT
    assert Question.objects.get(version__number=2, key=question.key).text == question.text


def test_the_sector_view_reflows_at_320_pixels(page, live_server, demo):
    browser = Browser(page=page, base_url=live_server.url)
    page.set_viewport_size({"width": 320, "height": 800})
    SignInPage(browser).sign_in_setting_up_two_factor("admin@platform.example", DEMO_PASSWORD)
    browser.open("/sector/")
    expect(page.get_by_role("region", name=re.compile("Median score by council type"))).to_be_visible()
    browser.assert_reflows()
