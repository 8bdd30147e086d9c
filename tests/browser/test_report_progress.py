"""A report rendered in the background: the page says it is being prepared, then offers it when the worker has
made it, announced in a status region. (Without JavaScript a link on the page does the same: see
tests/services/test_report_files.py.)"""

import pytest
from playwright.sync_api import expect

from assessment.models import Assessment
from assessment.services.demo import DEMO_PASSWORD
from tests.browser.pages import Browser, SignInPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_is_offered_when_the_worker_has_made_it(page, live_server, demo, task_queue):
    submitted = Assessment.objects.get(status=Assessment.Status.SUBMITTED, organisation__name__startswith="Sampleton")
    browser = Browser(page=page, base_url=live_server.url)
    SignInPage(browser).sign_in("officer@sampleton.example", DEMO_PASSWORD)
    browser.open(f"/assessments/{submitted.pk}/results/")

    page.get_by_role("button", name="Download the report (PDF)").click()
    expect(page.get_by_role("heading", name="Preparing your report")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("This usually takes less than a minute")
    browser.check()

    task_queue()  # the worker renders it

    expect(page.get_by_role("status")).to_have_text("Your report is ready.", timeout=10_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    browser.check()
