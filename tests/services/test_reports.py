"""The PDF report: what a chief executive reads first, laid out so nothing is orphaned or cut, readable by machines
and people, and rendered without touching the network."""

import io
import re
from unittest import mock

import pypdf
import pytest
from django.utils import timezone
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from assessment.models import Action, Answer, Assessment, EvidenceItem, Organisation, Question
from assessment.selectors import assessment_structure
from assessment.services.reports import (
    REPORT_BASE_URL,
    ReportFetchRefused,
    ReportURLFetcher,
    report_filename,
    report_html,
    report_pdf_render,
    results_build,
)
from tests.factories import AnswerFactory, EvidenceItemFactory, MembershipFactory

EVIDENCE_400 = (
    "Evidence reviewed by the digital board: the approved strategy, the last four quarterly performance reports, "
    "the internal audit findings and the staff survey results, with links held on the intranet. "
) * 2


@pytest.fixture
def answered(assessment, bank, council):
    levels = [4, 1, 3, 2]
    for question, level in zip(bank.questions, levels, strict=True):
        answer = AnswerFactory(assessment=assessment, question=question, level=level, answered_by=council.officer)
        if level != 3:
            EvidenceItemFactory(answer=answer)
    return assessment


def render(assessment, fetcher=None, include_evidence=False) -> pypdf.PdfReader:
    results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
    pdf = report_pdf_render(results=results, fetcher=fetcher, include_evidence=include_evidence)
    return pypdf.PdfReader(io.BytesIO(pdf))


def pages_of(reader: pypdf.PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(pages_of(reader))


def test_the_owner_column_appears_once_an_action_has_an_owner(answered, council):
    """A column of "Not assigned" on every row tells a chief executive nothing: until an action is taken on with
    an owner, the plan says so once instead."""
    before = text_of(render(answered))
    Action.objects.create(assessment=answered, question_key="connectivity", text="Replace the routers",
                          owner="Head of Digital Infrastructure", created_by=council.lead)  # fmt: skip
    after = text_of(render(answered))

    assert "Owner" not in before and "Not assigned" not in before
    assert "No action in this plan has an owner yet." in before
    assert "Owner" in after and "Head of Digital Infrastructure" in after and "Not assigned" in after
    assert "No action in this plan has an owner yet." not in after


def test_report_text_has_the_council_every_theme_and_the_action_plan(answered, bank):
    reader = render(answered)
    text = text_of(reader)
    assert "Exampleshire County Council" in text
    for theme in bank.themes:
        assert theme.title in text
    assert "Annex A: the full action plan" in text and "Step from level 1 of connectivity" in text
    assert f"Page 2 of {len(reader.pages)}" in text


def test_report_lists_the_actions_the_council_has_taken_on_with_their_owners(answered):
    Action.objects.create(assessment=answered, question_key="connectivity", text="Fix home broadband", owner="Ann Lee")
    text = text_of(render(answered))
    assert "Actions the council has taken on" in text and "Fix home broadband" in text
    assert "Ann Lee" in text.split("Top ")[1]  # the owner is on the summary's top actions


def test_report_agrees_with_the_scoring(answered):
    # Hybrid working: (4×2 + 1×1) / 3 = 3.0; cyber: (3 + 2) / 2 = 2.5; overall (3.0 + 2.5) / 2 = 2.75 → 2.8
    first_page = pages_of(render(answered))[0]
    assert "2.8 out of 5 Level 2: Developing" in first_page
    assert "Hybrid working 3.0 from 2 of 2 3" in first_page  # the dashboard: score, what it rests on, target
    assert "Cyber security 2.5 from 2 of 2 3" in first_page


def test_a_draft_is_provisional_on_every_page(assessment, bank, council):
    AnswerFactory(assessment=assessment, question=bank.questions[0], level=4)
    pages = pages_of(render(assessment))
    assert all("Provisional: 1 of 4 questions answered" in page for page in pages)


def test_a_report_not_yet_signed_off_says_so_on_every_page_and_every_page_says_when_it_was_produced(answered, council):
    # A printed page of a submitted report read as final; the first page said "Submitted Submitted 20 March";
    # and nothing said when a report whose peer figures move was produced.
    Assessment.objects.filter(pk=answered.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=council.officer
    )
    answered.refresh_from_db()
    pages = pages_of(render(answered))
    produced = f"Produced {timezone.localdate():%-d %B %Y}"
    assert len(pages) > 3
    assert all("Not yet signed off" in page and produced in page for page in pages)
    assert "Submitted Submitted" not in pages[0]


def test_the_abbreviations_list_covers_what_the_evidence_annex_prints_and_the_theme_titles(answered, bank):
    # The annex printed SIRO and UPRN from the council's notes and evidence items, and page 1 "Socitm" in a theme
    # title, none of them in the list, which read only the questions and the next steps.
    bank.themes[0].title = "Recovery: Socitm's four pillars"
    bank.themes[0].save()
    answer = Answer.objects.get(assessment=answered, question=bank.questions[0])
    answer.evidence = "Signed by the SIRO."
    answer.save()
    EvidenceItemFactory(answer=answer, description="Address register keyed by UPRN")
    results = results_build(structure=assessment_structure(assessment=answered, with_detail=True))
    summary = [term for term, _ in results.abbreviations]
    with_evidence = [term for term, _ in results.abbreviations_with_evidence]
    assert "Socitm" in summary and "SIRO" not in summary and "UPRN" not in summary
    assert {"Socitm", "SIRO", "UPRN"} <= set(with_evidence)
    text = text_of(render(answered, include_evidence=True))
    assert "Senior Information Risk Owner" in text and "Unique Property Reference Number" in text


def test_page_1_says_once_how_many_answers_below_target_the_themes_at_target_on_average_hold(answered):
    # Hybrid working is 3.0 against 3 with connectivity at level 1: a note in each row pushed the dashboard off
    # page 1, so the report says it once, under the table.
    first = pages_of(render(answered))[0]
    assert "1 theme is at or above target on average with answers still below target, 1 in all" in first
    assert "Score: the weighted average level" in first


def test_a_signed_off_report_says_who_signed_it_off(answered, council):
    Assessment.objects.filter(pk=answered.pk).update(
        status=Assessment.Status.SIGNED_OFF,
        submitted_at=timezone.now(),
        signed_off_at=timezone.now(),
        signed_off_by=council.lead,
    )
    answered.refresh_from_db()
    first_page = pages_of(render(answered))[0]
    assert f"signed off {timezone.localdate():%-d %B %Y} by {council.lead.get_full_name()}" in first_page
    assert "Provisional" not in first_page


def test_the_report_lists_unverified_claims_and_dates_its_peer_figures(answered, bank):
    # Backups is answered at level 3 with no evidence item: the results page listed it, the PDF did not.
    from tests.services.test_benchmarks import peer

    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)
    text = text_of(render(answered))
    unverified = text.split("Unverified claims")[1]
    assert "1 answer is at level 3 or above with no evidence item" in unverified
    assert "Cyber security: question 1" in unverified  # by its number in the theme's table, so the list stays short
    assert (
        f"latest signed-off assessments for {answered.period} or earlier that answered the same questions, as at "
        f"{timezone.localdate():%-d %B %Y}"
    ) in text


def test_report_has_bookmarks_metadata_language_and_tags(answered, bank):
    reader = render(answered)
    outline = reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top[:4] == ["Summary", "Top 2 actions", "Strengths and gaps", "Scores by theme"]
    assert "Theme by theme" in top and "Annex A: the full action plan" in top
    themes = next(item for item in outline if isinstance(item, list))
    assert [item.title for item in themes] == ["1. Hybrid working", "2. Cyber security"]
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
        with pytest.raises(ReportFetchRefused):
            fetcher.fetch(url)
    assert fetcher.refused[0] == "http://169.254.169.254/latest/meta-data/"
    assert fetcher.fetch("file:///static/css/report.css").read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_markup_smuggled_into_evidence_is_printed_as_text_and_fetches_nothing(assessment, bank, council):
    smuggled = '<img src="http://127.0.0.1:9/steal.png"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    AnswerFactory(assessment=assessment, question=bank.questions[0], level=2, evidence=smuggled)
    fetcher = ReportURLFetcher()
    with mock.patch("urllib.request.OpenerDirector.open", side_effect=AssertionError("network used")) as opened:
        text = text_of(render(assessment, fetcher=fetcher, include_evidence=True))
    assert '<img src="http://127.0.0.1:9/steal.png">' in text.replace(" ", "").replace("imgsrc", "img src")
    assert fetcher.refused == []  # never even asked: the markup was escaped
    assert not opened.called


def test_download_names():
    council = mock.Mock()
    council.organisation.name = "Exampleshire County Council"
    council.period = "2026/27"
    assert report_filename(council) == "exampleshire-county-council-digital-maturity-2026-27.pdf"
    assert report_filename(council, include_evidence=True).endswith("2026-27-with-evidence.pdf")


# The full bank, as a council would download it ------------------------------------------------------------


@pytest.fixture
def full_assessment(published, council):
    """Every question of the shipped bank answered at level 4 with about 400 characters of notes and an evidence
    item, except one critical question at level 1 and one question at level 5."""
    MembershipFactory(organisation=council.organisation, role="lead")
    assessment = Assessment.objects.create(
        organisation=council.organisation, bank_version=published, period="2026/27", created_by=council.officer
    )
    questions = list(published.questions.order_by("theme__position", "position"))
    critical = next(q for q in questions if q.key == "cyber-incident-response")
    top = questions[0]
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question=q,
            level=1 if q == critical else 5 if q == top else 4,
            evidence=EVIDENCE_400,
            answered_by=council.officer,
            answered_at=timezone.now(),
        )
        for q in questions
    )
    EvidenceItem.objects.bulk_create(
        EvidenceItem(answer=answer, description="Digital board minutes", owner="Head of Digital", dated="2026-10-01")
        for answer in assessment.answers.all()
    )
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", submitted_at=timezone.now())
    assessment.refresh_from_db()
    return assessment


def test_the_full_bank_report_leads_with_the_critical_alert_and_fits_its_page_budget(full_assessment):
    reader = render(full_assessment)
    pages = pages_of(reader)
    assert len(pages) <= 20
    first = pages[0]
    assert "1 critical alert" in first and "How ready is the council to respond to a serious cyber incident?" in first
    # The alert's recommendation is ranked first; the level-5 answer has no action at all.
    top = pages[1]
    assert re.search(r"1 Critical .*cyber incident", top)
    plan = " ".join(pages).split("Annex A: the full action plan")[1]
    assert "Leadership, strategy and culture, question 1" not in plan
    # Cyber is the gap: its answers fall short of their target of 4 and the alert holds its band at Developing.
    gaps = next(page for page in pages if "Biggest gaps to target" in page)
    assert "Biggest gaps to target Cyber security: 3.6 from 9 of 9, target 4 (critical alert)" in gaps


def test_a_draft_with_six_critical_alerts_keeps_its_dashboard_on_page_1_and_the_report_within_20_pages(
    published, council
):
    # The benchmark's assessment (edition 2, levels 1 to 5 in turn, notes but no evidence items): six critical
    # alerts on page 1 left the dashboard's note for page 2, and a held pillar's wrapped level left one row alone
    # on a page: 22 pages.
    from assessment.services.bank_files import shipped_editions
    from assessment.services.question_banks import question_bank_load

    edition_2 = question_bank_load(path=shipped_editions()[1]).version
    assessment = Assessment.objects.create(
        organisation=council.organisation, bank_version=edition_2, period="2026/27", created_by=council.officer
    )
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question=q,
            level=1 + i % 5,
            evidence=EVIDENCE_400,
            answered_by=council.officer,
            answered_at=timezone.now(),
        )  # fmt: skip
        for i, q in enumerate(edition_2.questions.order_by("id"))
    )
    pages = pages_of(render(assessment))
    assert "6 critical alerts" in pages[0] and "Change: since the council's last submitted assessment" in pages[0]
    assert len(pages) <= 20
    for index, page in enumerate(pages[:-1]):
        assert len(page) > 600, f"page {index + 1} holds almost nothing: {page[:200]}"


def test_no_theme_runs_across_a_page_and_no_page_is_left_nearly_empty(full_assessment, published):
    pages = pages_of(render(full_assessment))
    themes = list(published.themes.order_by("position").prefetch_related("questions"))
    for number, theme in enumerate(themes, start=1):
        heading = f"{number}. {theme.title}"
        last_question = " ".join(theme.questions.order_by("-position").first().text.split()[:6])
        starts = [i for i, page in enumerate(pages) if heading in page]
        ends = [i for i, page in enumerate(pages) if last_question in page]
        assert starts and ends and starts[-1] == max(e for e in ends if e >= starts[-1]), theme.title
    for index, page in enumerate(pages[:-1]):  # the last page may be short
        assert len(page) > 600, f"page {index + 1} holds almost nothing: {page[:200]}"


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def test_no_table_runs_past_the_text_into_the_margin(full_assessment):
    # The dashboard's column widths summed to 100% before their padding: its rules ran 17 mm into the right margin.
    results = results_build(structure=assessment_structure(assessment=full_assessment, with_detail=True))
    html = report_html(results=results, include_evidence=True)
    document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=ReportURLFetcher()).render()
    overflowing = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # WeasyPrint's laid-out page: no public API gives a box's position
        text_right_edge = page_box.content_box_x() + page_box.width
        for box in _boxes(page_box):
            if isinstance(box, boxes.TableBox) and box.border_box_x() + box.border_width() > text_right_edge + 0.5:
                overflowing.append((number, box.element.get("class") or box.element.get("id")))
    assert len(document.pages) > 20 and overflowing == []


def test_the_evidence_annex_is_optional_and_keeps_the_report_within_40_pages(full_assessment):
    without = render(full_assessment)
    with_evidence = render(full_assessment, include_evidence=True)
    assert "Annex B: answers and evidence" in text_of(with_evidence)
    assert EVIDENCE_400.split(":")[0] not in text_of(without)
    assert len(without.pages) < len(with_evidence.pages) <= 40


def test_district_councils_get_no_care_questions_in_their_report(published, other_council):
    assessment = Assessment.objects.create(
        organisation=other_council.organisation, bank_version=published, period="2026/27"
    )
    results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
    assert "care-homes-adult-social-care" not in [t.theme.key for t in results.themes]
    assert other_council.organisation.council_type == Organisation.CouncilType.DISTRICT
    assert Question.objects.filter(version=published, theme__key="care-homes-adult-social-care").exists()


def test_key_messages_name_the_alerts_the_gaps_and_the_change_since_last_time():
    from assessment.services.benchmarks import ThemeTrend
    from assessment.services.reports import key_messages_build
    from assessment.services.scoring import QuestionInput, ScoringInput, ThemeInput, score_assessment

    scores = score_assessment(
        ScoringInput(
            themes=[
                ThemeInput("cyber", "Cyber security", 1.5, default_target=4),
                ThemeInput("data", "Data", 1, default_target=3),
            ],
            questions=[
                QuestionInput("backups", "cyber", 1, 1, critical=True),
                QuestionInput("mfa", "cyber", 1, 4, critical=True),
                QuestionInput("quality", "data", 1, 3),
            ],
        )
    )
    trends = [
        ThemeTrend("", "Overall", "Overall", [("2025/26", 2.04), ("2026/27", 2.56)]),
        ThemeTrend("cyber", "Cyber security", "Cyber", [("2025/26", 2.96), ("2026/27", 2.5)]),
        ThemeTrend("data", "Data", "Data", [("2025/26", 2.0), ("2026/27", 3.0)]),
    ]
    alerts, gaps, change = key_messages_build(scores=scores, trends=trends)
    # Multi-factor authentication is claimed at level 4 with no evidence: that is an alert too.
    assert alerts == (
        "2 critical alerts in Cyber security (2): 1 baseline control is not in place and 1 is claimed without "
        "evidence, so they come first in the action plan."
    )
    assert (
        gaps == "The largest gaps to target, critical alerts first, are in Cyber security (2.5 against a target of 4)."
    )
    assert change == (
        "Overall maturity rose from 2.0 in 2025/26 to 2.6. The largest rise was in Data (+1.0); "
        "the largest fall was in Cyber security (−0.5)."
    )


def test_key_messages_list_three_themes_as_a_sentence_does():
    # "in Cyber security (1) and Data (1) and Inclusion (1)", and gaps listed with commas and no "and".
    from assessment.services.reports import key_messages_build
    from assessment.services.scoring import QuestionInput, ScoringInput, ThemeInput, score_assessment

    themes = [("cyber", "Cyber security"), ("data", "Data"), ("inclusion", "Inclusion")]
    scores = score_assessment(
        ScoringInput(
            themes=[ThemeInput(key, title, 1, default_target=4) for key, title in themes],
            questions=[QuestionInput(f"{key}-control", key, 1, 1, critical=True) for key, _ in themes],
        )
    )
    alerts, gaps, _ = key_messages_build(scores=scores, trends=[])
    assert alerts.startswith("3 critical alerts in Cyber security (1), Data (1) and Inclusion (1): 3 baseline")
    assert gaps == (
        "The largest gaps to target, critical alerts first, are in Cyber security (1.0 against a target of 4), "
        "Data (1.0 against a target of 4) and Inclusion (1.0 against a target of 4)."
    )


@pytest.mark.parametrize(
    ("levels", "evidenced", "message"),
    [
        ((1,), False, "1 critical alert in Cyber security (1): this baseline control is not in place, so it comes"),
        ((4,), False, "1 critical alert in Cyber security (1): this baseline control is claimed without evidence"),
        ((3, 4), False, "2 critical alerts in Cyber security (2): 2 baseline controls are claimed without evidence"),
        ((1, 2), False, "2 critical alerts in Cyber security (2): 2 baseline controls are not in place, so they"),
        ((4,), True, "No critical alerts"),
    ],
)
def test_the_first_key_message_says_why_each_alert_stands(levels, evidenced, message):
    from assessment.services.reports import key_messages_build
    from assessment.services.scoring import QuestionInput, ScoringInput, ThemeInput, score_assessment

    questions = [
        QuestionInput(f"control-{n}", "cyber", 1, level, critical=True, has_evidence=evidenced)
        for n, level in enumerate(levels)
    ]
    scores = score_assessment(ScoringInput(themes=[ThemeInput("cyber", "Cyber security", 1, 3)], questions=questions))
    assert key_messages_build(scores=scores, trends=[])[0].startswith(message)


def test_a_first_assessment_with_nothing_below_target_says_so():
    from assessment.services.reports import key_messages_build
    from assessment.services.scoring import QuestionInput, ScoringInput, ThemeInput, score_assessment

    scores = score_assessment(
        ScoringInput(themes=[ThemeInput("a", "A", 1, default_target=3)], questions=[QuestionInput("x", "a", 1, 4)])
    )
    assert key_messages_build(scores=scores, trends=[]) == [
        "No critical alerts: every baseline control (such as backups and incident response) is at level 3 or "
        "above, with evidence.",
        "Every theme answered enough to judge has reached its target.",
        "This is the council's first assessment in this service, so there is no change to report yet.",
    ]


def _peers(*themes: tuple[str, str, float, float, float, float]):
    from assessment.services.benchmarks import GroupBenchmark, ThemeBenchmark

    return GroupBenchmark(
        name="County councils",
        councils=9,
        themes=[ThemeBenchmark(key, title, title, 9, q1, q2, q3, own) for key, title, q1, q2, q3, own in themes],
    )


@pytest.mark.parametrize(
    ("peers", "message"),
    [
        (
            [("", "Overall", 2.8, 3.1, 3.4, 3.0), ("ai", "Automation and AI", 3.4, 3.7, 4.0, 3.2),
             ("ethics", "Ethics", 3.1, 3.3, 3.6, 3.04), ("data", "Data", 2.5, 2.8, 3.1, 2.5)],
            "Among 9 county councils, the council is below the lower quartile in Automation and AI (3.2 against a "
            "median of 3.7) and Ethics (3.0 against a median of 3.3).",
        ),
        (
            [("", "Overall", 3.5, 4.0, 4.2, 3.0)] + [(f"t{n}", f"Theme {n}", 3.5, 4.0, 4.2, 3.0 + n / 10)
                                                    for n in range(4)],
            "Among 9 county councils, the council is below the lower quartile overall (3.0 against a median of "
            "4.0) and in every theme, furthest behind in Theme 0 (3.0 against a median of 4.0).",
        ),
        (
            [(f"t{n}", f"Theme {n}", 3.5, 4.0, 4.2, 3.0 + n / 10) for n in range(6)],
            "Among 9 county councils, the council is below the lower quartile in 5 themes, furthest behind in "
            "Theme 0 (3.0 against a median of 4.0).",
        ),
        ([("", "Overall", 2.8, 3.1, 3.4, 2.8), ("ai", "Automation and AI", 3.0, 3.0, 3.0, 3.0)], None),
    ],
)  # fmt: skip
def test_a_fourth_key_message_says_where_the_council_is_behind_most_of_its_peers(peers, message):
    """Below the lower quartile as the figures are shown: 3.04 shows as 3.0, behind 3.1; a tie with the lower
    quartile (2.8, 2.5) is not behind, and nor is the typical score most councils share."""
    from assessment.services.reports import key_messages_build
    from assessment.services.scoring import QuestionInput, ScoringInput, ThemeInput, score_assessment

    scores = score_assessment(
        ScoringInput(themes=[ThemeInput("a", "A", 1, default_target=3)], questions=[QuestionInput("x", "a", 1, 4)])
    )
    messages = key_messages_build(scores=scores, trends=[], peers=_peers(*peers))
    assert messages[3:] == ([message] if message else [])


def test_with_too_few_councils_of_its_type_the_fourth_message_uses_the_first_wider_group(bank, other_council):
    # A district council among county councils: no district group to compare with, but being behind most
    # councils in England was shown only on page 4, never in the key messages.
    from assessment.models import Assessment
    from tests.services.test_benchmarks import peer

    district = Assessment.objects.create(organisation=other_council.organisation, bank_version=bank.version,
                                         period="2026/27")  # fmt: skip
    for question, level in zip(bank.questions[:3], [4, 1, 3], strict=True):
        AnswerFactory(assessment=district, question=question, level=level, answered_by=other_council.officer)
    for value in (4.0, 4.0, 4.5, 5.0, 5.0):
        peer(bank, value=value)
    results = results_build(structure=assessment_structure(assessment=district, with_detail=True))
    assert results.key_messages[3] == (
        "Among 5 councils in England, the council is below the lower quartile in Hybrid working (3.0 against a "
        "median of 4.5)."
    )


def test_the_fourth_message_names_the_group_of_all_councils_as_english_does():
    # "Among 9 all councils" when the message fell back to the group of all councils.
    from assessment.services.benchmarks import GroupBenchmark, ThemeBenchmark
    from assessment.services.reports import key_messages_build
    from assessment.services.scoring import QuestionInput, ScoringInput, ThemeInput, score_assessment

    scores = score_assessment(
        ScoringInput(themes=[ThemeInput("a", "A", 1, default_target=3)], questions=[QuestionInput("x", "a", 1, 4)])
    )
    every = GroupBenchmark(name="All councils", councils=9,
                           themes=[ThemeBenchmark("ai", "Automation and AI", "AI", 9, 3.4, 3.7, 4.0, 3.2)])  # fmt: skip
    assert key_messages_build(scores=scores, trends=[], peers=every)[3].startswith(
        "Among all 9 councils, the council is below the lower quartile in Automation and AI"
    )


def test_the_report_spells_out_the_abbreviations_its_questions_and_actions_use(published, council):
    """The first actions of a real bank use MFA, NCSC and DSPT: the method annex says what they stand for."""
    from assessment.models import Assessment

    assessment = Assessment.objects.create(organisation=council.organisation, bank_version=published, period="2026/27")
    for question in published.questions.all():
        AnswerFactory(assessment=assessment, question=question, level=1, answered_by=council.officer)

    text = text_of(render(assessment))

    assert "Abbreviations used" in text
    assert "MFA multi-factor authentication" in text and "NCSC National Cyber Security Centre" in text
