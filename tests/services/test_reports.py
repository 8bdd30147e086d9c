"""The PDF report: right, readable by machines and people, and rendered without touching the network."""

import io
from unittest import mock

import pypdf
import pytest
from django.core.cache import cache

from assessment.models import Answer
from assessment.selectors import assessment_structure
from assessment.services import reports
from assessment.services.assessments import AnswerChange, answers_save
from assessment.services.reports import (
    ReportFetchRefused,
    ReportURLFetcher,
    report_filename,
    report_pdf_for_assessment,
    report_pdf_render,
    results_build,
)
from tests.factories import AnswerFactory, EvidenceItemFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def answered(assessment, bank, council):
    levels = [4, 1, 3, 2]
    for question, level in zip(bank.questions, levels, strict=True):
        answer = AnswerFactory(assessment=assessment, question=question, level=level, answered_by=council.officer)
        if level != 3:
            EvidenceItemFactory(answer=answer)
    return assessment


def render(assessment, fetcher=None) -> pypdf.PdfReader:
    results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
    return pypdf.PdfReader(io.BytesIO(report_pdf_render(results=results, fetcher=fetcher)))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_report_text_has_the_council_every_theme_and_the_action_plan(answered, bank):
    reader = render(answered)
    text = text_of(reader)
    assert "Exampleshire County Council" in text
    for theme in bank.themes:
        assert theme.title in text
    assert "Action plan" in text and "Step from level 4 of devices" in text
    assert "1 unverified claim" in text  # the level-3 answer with no evidence item
    assert f"Page 2 of {len(reader.pages)}" in text


def test_report_lists_the_actions_the_council_has_taken_on(answered):
    from assessment.models import Action

    Action.objects.create(assessment=answered, text="Publish the device policy", owner="Head of IT")
    text = text_of(render(answered))
    assert "Actions the council has taken on" in text and "Publish the device policy" in text


def test_report_agrees_with_the_scoring(answered):
    # Hybrid working: (4×2 + 1×1) / 3 = 3.0; cyber: (3 + 2) / 2 = 2.5; overall (3.0 + 2.5) / 2 = 2.75 → 2.8
    text = text_of(render(answered))
    assert "2.8 out of 5: level 2, Developing" in text
    assert "3.0" in text and "2.5" in text


def test_report_has_bookmarks_metadata_language_and_tags(answered, bank):
    reader = render(answered)
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[:3] == ["Cover", "Contents", "Executive summary"]
    assert "1. Hybrid working" in bookmarks and "Action plan" in bookmarks
    assert reader.metadata.title == "Exampleshire County Council: digital maturity assessment 2026/27"
    assert reader.metadata.author == "Exampleshire County Council"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


def test_the_fetcher_refuses_anything_but_static_files_and_data_uris():
    fetcher = ReportURLFetcher()
    for url in ["http://169.254.169.254/latest/meta-data/", "https://example.com/x.png", "file:///etc/passwd",
                "file:///static/../../etc/passwd", "ftp://example.com/x"]:  # fmt: skip
        with pytest.raises((ReportFetchRefused, ValueError)):
            fetcher.fetch(url)
    assert fetcher.fetch("file:///static/css/report.css").read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_markup_smuggled_into_evidence_is_printed_as_text_and_fetches_nothing(assessment, bank, council):
    smuggled = '<img src="http://127.0.0.1:9/steal.png"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    AnswerFactory(assessment=assessment, question=bank.questions[0], level=2, evidence=smuggled)
    fetcher = ReportURLFetcher()
    with mock.patch("urllib.request.OpenerDirector.open", side_effect=AssertionError("network used")) as opened:
        text = text_of(render(assessment, fetcher=fetcher))
    assert '<img src="http://127.0.0.1:9/steal.png">' in text.replace("\n", "")
    assert fetcher.refused == []  # never even asked: the markup was escaped
    assert not opened.called


def test_download_name():
    council = mock.Mock()
    council.organisation.name = "Exampleshire County Council"
    council.period = "2026/27"
    assert report_filename(council) == "exampleshire-county-council-digital-maturity-2026-27.pdf"


def test_an_unchanged_assessment_is_not_rendered_twice_and_a_change_renders_afresh(answered, bank, council):
    with mock.patch.object(reports, "report_pdf_render", wraps=reports.report_pdf_render) as rendered:
        first = report_pdf_for_assessment(assessment=answered)
        answered.refresh_from_db()
        second = report_pdf_for_assessment(assessment=answered)
        assert rendered.call_count == 1 and first == second

        answer = Answer.objects.get(assessment=answered, question=bank.questions[0])
        change = AnswerChange(question=bank.questions[0], level=5, not_applicable=False, evidence="New policy",
                              expected_version=answer.version)  # fmt: skip
        answers_save(assessment=answered, user=council.officer, changes=[change])
        answered.refresh_from_db()
        report_pdf_for_assessment(assessment=answered)
        assert rendered.call_count == 2


def test_another_councils_submission_renders_the_report_afresh(answered, bank):
    from assessment.services.benchmarks import score_records_store
    from tests.factories import AssessmentFactory
    from tests.services.test_benchmarks import scores

    with mock.patch.object(reports, "report_pdf_render", wraps=reports.report_pdf_render) as rendered:
        report_pdf_for_assessment(assessment=answered)
        peer = AssessmentFactory(bank_version=bank.version, status="submitted", submitted_at="2026-01-01T00:00Z")
        score_records_store(assessment=peer, scores=scores(3.0, 3.0, 3.0))  # the benchmarks may have moved
        report_pdf_for_assessment(assessment=answered)
        assert rendered.call_count == 2
