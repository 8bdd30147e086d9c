"""Reports rendered in the background and kept in the database: asked for once however many people ask, served
at once when up to date, rendered afresh when the assessment (or the benchmarks) change, and rendered ahead
after submission and sign-off where a worker runs."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment.models import Answer, Assessment, ReportFile
from assessment.services import code_version, report_files, reports
from assessment.services.assessments import AnswerChange, answers_save, assessment_submit
from assessment.services.report_files import report_file_request
from assessment.services.reviews import assessment_sign_off
from tests.factories import AnswerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(assessment, bank, council):
    for question, level in zip(bank.questions, [4, 1, 3, 2], strict=True):
        AnswerFactory(assessment=assessment, question=question, level=level, answered_by=council.officer)
    return assessment


def _fresh(assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def test_an_unchanged_assessment_is_not_rendered_twice_and_a_change_renders_afresh(answered, bank, council):
    with mock.patch.object(report_files, "report_pdf_render", wraps=reports.report_pdf_render) as rendered:
        first = report_file_request(assessment=_fresh(answered))
        second = report_file_request(assessment=_fresh(answered))
        assert rendered.call_count == 1 and first.status == second.status == ReportFile.Status.READY
        assert bytes(second.pdf).startswith(b"%PDF")
        report_file_request(assessment=_fresh(answered), include_evidence=True)
        assert rendered.call_count == 2  # the version with the evidence annex is a different report

        answer = Answer.objects.get(assessment=answered, question=bank.questions[0])
        change = AnswerChange(question=bank.questions[0], level=5, not_applicable=False, evidence="New policy",
                              expected_version=answer.version)  # fmt: skip
        answers_save(assessment=answered, user=council.officer, changes=[change])
        report_file_request(assessment=_fresh(answered))
        assert rendered.call_count == 3
    assert ReportFile.objects.filter(assessment=answered).count() == 2  # one per variant, replaced in place


def test_a_deploy_that_changes_how_reports_are_drawn_renders_stored_reports_afresh(answered):
    # A new ranking rule or wording must reach the stored PDFs, not only the results page.
    with mock.patch.object(report_files, "report_pdf_render", wraps=reports.report_pdf_render) as rendered:
        report_file_request(assessment=_fresh(answered))
        with mock.patch.object(code_version, "code_digest", return_value="next-release"):
            report = report_file_request(assessment=_fresh(answered))
            report_file_request(assessment=_fresh(answered))
        assert rendered.call_count == 2 and report.status == ReportFile.Status.READY


def test_another_councils_submission_renders_the_report_afresh(answered, bank):
    from assessment.services.benchmarks import score_records_store
    from tests.factories import AssessmentFactory
    from tests.services.test_benchmarks import scores

    with mock.patch.object(report_files, "report_pdf_render", wraps=reports.report_pdf_render) as rendered:
        report_file_request(assessment=_fresh(answered))
        peer = AssessmentFactory(bank_version=bank.version, status="submitted", submitted_at="2026-01-01T00:00Z")
        score_records_store(assessment=peer, scores=scores(3.0, 3.0, 3.0))  # the benchmarks may have moved
        report_file_request(assessment=_fresh(answered))
        assert rendered.call_count == 2


def test_with_a_worker_the_download_page_shows_progress_then_serves_the_report(client, answered, council, task_queue):
    client.force_login(council.officer)
    url = reverse("assessment_report_pdf", kwargs={"pk": answered.pk})

    waiting = client.get(url)
    again = client.get(url)

    assert waiting.status_code == again.status_code == 202
    assert "Preparing your report" in waiting.content.decode()
    assert "Check if your report is ready" in waiting.content.decode()  # without JavaScript
    assert DBTaskResult.objects.count() == 1  # asked twice, rendered once

    task_queue()  # the worker

    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def test_a_report_that_fails_to_render_says_so_and_asking_again_tries_again(client, answered, council, task_queue):
    client.force_login(council.officer)
    url = reverse("assessment_report_pdf", kwargs={"pk": answered.pk})
    client.get(url)
    with mock.patch.object(report_files, "report_pdf_render", side_effect=RuntimeError("fonts missing")):
        task_queue()

    response = client.get(url)

    assert response.status_code == 503
    assert "Your report could not be prepared" in response.content.decode()
    assert client.get(url).status_code == 503  # looking again (or the page's script asking) does not retry
    assert DBTaskResult.objects.count() == 1

    assert client.get(url + "?retry=1").status_code == 202  # "Try again"
    task_queue()
    assert client.get(url).status_code == 200


def test_a_render_lost_with_its_worker_is_queued_again(answered, task_queue):
    report = report_file_request(assessment=_fresh(answered))
    ReportFile.objects.filter(pk=report.pk).update(requested_at=timezone.now() - timedelta(minutes=6))

    report_file_request(assessment=_fresh(answered))

    assert DBTaskResult.objects.count() == 2


def test_a_render_for_an_outdated_state_does_not_overwrite_the_newer_one(answered, bank, council, task_queue):
    report_file_request(assessment=_fresh(answered))  # queued for the current answers
    answer = Answer.objects.get(assessment=answered, question=bank.questions[0])
    change = AnswerChange(question=bank.questions[0], level=5, not_applicable=False, evidence="",
                          expected_version=answer.version)  # fmt: skip
    answers_save(assessment=answered, user=council.officer, changes=[change])
    report_file_request(assessment=_fresh(answered))  # queued again for the new answers

    task_queue()

    report = ReportFile.objects.get(assessment=answered)
    assert report.status == ReportFile.Status.READY
    assert report.fingerprint == reports.report_fingerprint(_fresh(answered))


def test_submission_and_sign_off_render_the_report_ahead_where_a_worker_runs(answered, council, task_queue):
    submitted = assessment_submit(assessment=_fresh(answered), user=council.officer)
    assert DBTaskResult.objects.count() == 1
    task_queue()
    assert ReportFile.objects.get(assessment=answered).status == ReportFile.Status.READY

    assessment_sign_off(assessment=submitted, lead=council.lead, without_review=True)
    assert DBTaskResult.objects.ready().count() == 1  # the signed-off report, queued


def test_the_report_is_drawn_afresh_for_what_it_shows_beyond_answers(answered, bank, council, settings):
    """A theme accepted (a line in the report's status history), the smallest peer group shown, and the bank's
    title each make the stored report out of date."""
    from assessment.services.reviews import theme_accept

    assessment_submit(assessment=_fresh(answered), user=council.officer)
    before = reports.report_fingerprint(_fresh(answered))
    theme_accept(assessment=_fresh(answered), theme=bank.themes[0], lead=council.lead)
    accepted = reports.report_fingerprint(_fresh(answered))
    assert accepted != before

    settings.PEER_GROUP_MINIMUM = 8
    stricter = reports.report_fingerprint(_fresh(answered))
    assert stricter != accepted

    title = bank.version.bank
    title.title = "Council digital maturity (second edition)"
    title.save()
    assert reports.report_fingerprint(_fresh(answered)) != stricter
