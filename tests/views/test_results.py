"""The results page, exports and targets as a council's people see them."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from assessment.models import ThemeTarget
from assessment.selectors import assessment_structure
from assessment.services.assessments import theme_targets_set
from assessment.services.reports import report_html, results_build
from tests.factories import AnswerFactory, AssessmentFactory, EvidenceItemFactory
from tests.services.test_benchmarks import peer


@pytest.fixture
def answered(assessment, bank, council):
    for question, level in zip(bank.questions, [4, 1, 3, 2], strict=True):
        AnswerFactory(assessment=assessment, question=question, level=level, answered_by=council.officer)
    return assessment


def test_results_page_shows_charts_with_text_alternatives_and_the_action_plan(client, council, answered):
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    assert page.count('role="img"') == 3  # radar, theme bars, pillar bars
    assert '<title id="theme-radar-title">Theme scores against targets</title>' in page
    assert ">Hybrid working</text>" in page  # the radar's axes carry the themes' short titles, not numbers
    assert 'id="theme-dashboard"' in page and 'id="pillar-scores-table"' in page
    assert "style=" not in page and "<script>" not in page  # nothing a strict CSP would block
    assert "{#" not in page and "{%" not in page  # no template source leaks onto the page
    assert "Step from level 1 of connectivity" in page and "Step from level 2 of care-data" in page
    assert "Step from level 4 of devices" not in page  # at or above target: no action
    assert "2 answers are at level 3 or above with no evidence item" in page  # levels 4 and 3, no evidence
    assert page.count(f'href="/assessments/{answered.pk}/themes/') >= 2  # each unverified claim links to it
    assert "Download the report (PDF)" in page


def test_a_theme_table_gives_level_and_target_columns_of_their_own(client, council, answered):
    # "4 → 3" in one "Level → target" cell read as a fall from 4 to 3, beside "At or above target".
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    table = page[page.index('aria-label="Questions in Hybrid working"') :]
    headers = re.findall(r'<th scope="col" class="govuk-table__header[^"]*">([^<]*)</th>', table)[:5]
    assert headers == ["Question", "Level", "Target", "Evidence", "Next step"]
    body = table.index("<tbody")
    first_row = table[body : table.index("</tr>", body)]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", first_row, re.S)]
    assert cells[1:3] == ["4", "3"] and cells[4] == "At or above target"  # devices: level 4, target 3
    assert "→" not in table[: table.index("</table>")]


def test_the_action_plan_gives_the_level_now_and_the_target_apart(client, council, answered):
    # "1 → 4" beside "Quick win" read as a quick win lifting the answer to level 4; the step is the next one only.
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    plan = page[page.index('class="govuk-table app-table--compact app-action-plan"') :]
    plan = plan[: plan.index("</table>")]
    headers = re.findall(r'<th scope="col" class="govuk-table__header[^"]*">([^<]*)</th>', plan)
    assert headers[:6] == ["Rank", "Action", "For the question", "Level now", "Target", "Effort"]
    assert "→" not in plan


def test_a_theme_at_target_on_average_says_on_the_dashboard_how_many_answers_are_below(client, council, answered):
    # Hybrid working is 3.0 against a target of 3, but connectivity is at level 1 and has a step in the plan:
    # "At or above target" alone read as nothing to do there.
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    dashboard = page[page.index('id="theme-dashboard"') : page.index("</table>", page.index('id="theme-dashboard"'))]
    row = dashboard[dashboard.index(">Hybrid working<") : dashboard.index("</tr>", dashboard.index(">Hybrid working<"))]
    assert "At or above target</strong>" in row and "on average; 1 answer below target" in row


def test_scores_too_few_councils_answered_alike_are_named_on_the_page_and_in_the_report(client, bank, other_council):
    # A district council is not asked the care question: among councils in England its cyber and overall scores
    # have nothing like-for-like, and both tables dropped them without a word.
    district = AssessmentFactory(organisation=other_council.organisation, bank_version=bank.version)
    for question, level in zip(bank.questions[:3], [4, 1, 3], strict=True):
        AnswerFactory(assessment=district, question=question, level=level, answered_by=other_council.officer)
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(bank, value=value)
    client.force_login(other_council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": district.pk})).content.decode()
    results = results_build(structure=assessment_structure(assessment=district, with_detail=True))
    report = report_html(results=results)
    for text in (page, report):
        named = text[text.index("Not compared, as fewer than 5") :]
        assert "<li>Overall</li>" in named and "<li>Cyber security</li>" in named
    assert [row.title for row in results.benchmark_rows] == ["Hybrid working"]
    # The dashboard has no district median to show, and says where the wider comparison is.
    assert "wider groups, such as councils in England, are under “Compared with other councils”" in page


def test_a_pillar_is_held_at_developing_by_a_critical_alert_among_its_questions(client, council, assessment, bank):
    backups = bank.questions[2]
    backups.critical = True
    backups.save()
    for question, level in zip(bank.questions, [4, 4, 2, 4], strict=True):  # every question serves "reform"
        AnswerFactory(assessment=assessment, question=question, level=level, answered_by=council.officer)
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()
    table = page[page.index('id="pillar-scores-table"') :]
    reform = table[table.index(">Reform<") : table.index("</tr>", table.index(">Reform<"))]
    assert "3.6 from 4 of 4" in reform and "Developing (held by 1 critical alert)" in reform


def test_each_take_on_link_names_its_whole_action_for_screen_readers(client, council, answered, bank):
    # The hidden text was cut at 60 characters, mid-word ("decision make…"), so two links could read the same.
    from assessment.models import Recommendation

    long = "Name a human decision-maker for each decision that an algorithm makes or shapes, and write guidance"
    Recommendation.objects.filter(question=bank.questions[1], level=1).update(text=long)
    client.force_login(council.lead)
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    hidden = re.findall(r'Take on as an action<span class="govuk-visually-hidden">: ([^<]*)</span>', page)
    assert long in hidden and "Step from level 2 of care-data" in hidden


def test_the_dashboard_note_says_where_targets_and_peer_medians_come_from(client, council, answered, bank):
    client.force_login(council.officer)
    url = reverse("assessment_results", kwargs={"pk": answered.pk})
    before = client.get(url).content.decode()
    theme_targets_set(assessment=answered, user=council.lead, levels={bank.themes[0]: 4})
    after = client.get(url).content.decode()

    assert "Targets marked *" not in before
    assert "Targets: the question bank's, as the council's lead has set none" in before
    assert "Targets marked * were set by the council's lead" in after
    # No other council has answered yet, so there are no peer medians, and the note says why.
    assert "Peer median: none yet, as fewer than 5 councils of the same type have answered the same questions" in after


def test_a_strength_resting_on_unverified_answers_says_so(client, council, assessment, bank):
    devices, connectivity = bank.questions[:2]
    AnswerFactory(assessment=assessment, question=devices, level=4, answered_by=council.officer)
    EvidenceItemFactory(answer=AnswerFactory(assessment=assessment, question=connectivity, level=4))
    client.force_login(council.officer)

    page = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()

    strengths = " ".join(page.split(">Strengths</h3>")[1].split("</ol>")[0].split())
    assert "Hybrid working: 4.0 from 2 of 2, target 3 (1 unverified)" in strengths
    assert "Unverified: answers at level 3 or above with no evidence item behind them." in page
    # The theme tables' Evidence column ("1 item", "Unverified", "Notes only", "None") is explained once.
    assert "“Notes only” where it has notes but no item; “None” where it has neither." in page


def test_the_pdf_downloads_with_the_councils_name(client, council, answered):
    client.force_login(council.officer)
    response = client.get(reverse("assessment_report_pdf", kwargs={"pk": answered.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="exampleshire-county-council-digital-maturity-2026-27.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_downloads_answer_only_reads(client, council, answered):
    """A download changes nothing, so a form posted to one (from anywhere) gets "method not allowed"."""
    client.force_login(council.officer)
    pdf = client.post(reverse("assessment_report_pdf", kwargs={"pk": answered.pk}))
    export = client.post(reverse("assessment_export", kwargs={"pk": answered.pk, "kind": "answers", "fmt": "csv"}))
    assert (pdf.status_code, export.status_code) == (405, 405)


def test_answers_csv_has_every_answer_and_neutralises_formulae(client, council, answered, bank):
    answer = answered.answers.get(question=bank.questions[0])
    answer.evidence = '=HYPERLINK("http://evil.example","click")'
    answer.save()
    client.force_login(council.officer)
    response = client.get(reverse("assessment_export", args=[answered.pk, "answers", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Theme", "Question key", "Question", "Level", "Descriptor", "Target"]
    assert len(rows) == 1 + len(bank.questions)
    devices = next(r for r in rows if r[1] == "devices")
    notes = rows[0].index("Notes")
    assert devices[3] == "4" and devices[notes] == '\'=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_xlsx_cells_never_hold_formulae(client, council, answered, bank, payload):
    answer = answered.answers.get(question=bank.questions[0])
    answer.evidence = payload
    answer.save()
    client.force_login(council.officer)
    response = client.get(reverse("assessment_export", args=[answered.pk, "answers", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    notes = [cell.value for cell in sheet[1]].index("Notes")
    cell = next(row[notes] for row in sheet.iter_rows(min_row=2) if row[1].value == "devices")
    assert cell.data_type == "s" and cell.value == "'" + payload


def test_scores_export_matches_the_scoring(client, council, answered):
    client.force_login(council.officer)
    response = client.get(reverse("assessment_export", args=[answered.pk, "scores", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    overall = rows[1]
    assert overall[:4] == ["Overall", "Overall", "2.8", "Developing"]  # 2.75 as the page shows it
    assert rows[2][:6] == ["Theme", "Hybrid working", "3.0", "Defined", "3", "At or above target"]


def test_action_plan_export_lists_every_action_with_rank_effort_horizon_and_owner(client, council, answered):
    from assessment.models import Action

    Action.objects.create(assessment=answered, question_key="care-data", text="Agree a data standard", owner="Jo")
    client.force_login(council.officer)
    response = client.get(reverse("assessment_export", args=[answered.pk, "actions", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Rank", "Critical alert", "Theme"]
    by_key = {row[3]: row for row in rows[1:]}
    assert set(by_key) == {"connectivity", "care-data"}  # devices (4) and backups (3) are at target
    assert by_key["connectivity"][0] == "1"  # (3 − 1) × weight 1 × 1 beats (3 − 2) × 1 × 1
    assert by_key["care-data"][10:13] == ["Jo", "", "Not started"]


def test_answers_export_names_who_answered_each_question_in_a_fixed_number_of_queries(client, council, answered):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(council.officer)
    url = reverse("assessment_export", args=[answered.pk, "answers", "csv"])
    client.get(url)  # reads the question bank and renews the session
    with CaptureQueriesContext(connection) as four_answers:
        response = client.get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_key = {row[1]: row for row in rows[1:]}
    assert {row[rows[0].index("Answered by")] for row in by_key.values()} == {council.officer.get_full_name()}

    colleague = council.lead
    answered.answers.filter(question__key="backups").update(answered_by=colleague)
    answered.answers.filter(question__key__in=["devices", "connectivity"]).delete()
    with CaptureQueriesContext(connection) as two_answers:
        response = client.get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row[1]: row[rows[0].index("Answered by")] for row in rows[1:]}["backups"] == colleague.get_full_name()
    assert len(two_answers) == len(four_answers)


def test_unknown_exports_are_404(client, council, answered):
    client.force_login(council.officer)
    assert client.get(reverse("assessment_export", args=[answered.pk, "secrets", "csv"])).status_code == 404
    assert client.get(reverse("assessment_export", args=[answered.pk, "answers", "pdf"])).status_code == 404


def test_a_lead_sets_targets_that_change_the_gap(client, council, answered, bank):
    client.force_login(council.lead)
    url = reverse("assessment_targets", kwargs={"pk": answered.pk})
    first, second = bank.themes
    response = client.post(url, {f"theme-{first.id}": "5", f"theme-{second.id}": "default"})
    assert response.url == reverse("assessment_results", kwargs={"pk": answered.pk})
    assert ThemeTarget.objects.get(theme=first).level == 5
    assert not ThemeTarget.objects.filter(theme=second).exists()
    page = client.get(response.url).content.decode()
    assert "Hybrid working: 3.0 from 2 of 2, target 5" in page  # now the biggest gap


def test_a_lead_sets_a_target_for_a_single_question(client, council, answered, bank):
    from assessment.models import QuestionTarget

    client.force_login(council.lead)
    devices, connectivity = bank.questions[:2]
    url = reverse("assessment_question_targets", kwargs={"pk": answered.pk, "theme_key": "hybrid-working"})
    page = client.get(url).content.decode()
    assert "The theme&#x27;s target (level 3)" in page
    response = client.post(url, {f"question-{devices.id}": "5", f"question-{connectivity.id}": "default"})
    assert response.status_code == 302
    assert QuestionTarget.objects.get(question=devices).level == 5
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    assert "Step from level 4 of devices" in page  # devices (4) is now below its own target of 5


def test_a_question_of_another_theme_cannot_be_targeted_from_this_page(client, council, answered, bank):
    from assessment.models import QuestionTarget

    client.force_login(council.lead)
    backups = bank.questions[2]  # in cyber security
    url = reverse("assessment_question_targets", kwargs={"pk": answered.pk, "theme_key": "hybrid-working"})
    client.post(url, {f"question-{backups.id}": "5"})
    assert not QuestionTarget.objects.exists()
    assert client.get(url.replace("hybrid-working", "no-such-theme")).status_code == 404


def test_a_bad_target_is_refused_with_a_clear_error(client, council, answered, bank):
    client.force_login(council.lead)
    response = client.post(
        reverse("assessment_targets", kwargs={"pk": answered.pk}), {f"theme-{bank.themes[0].id}": "9"}
    )
    assert "Choose a target level for Hybrid working" in response.content.decode()
    assert not ThemeTarget.objects.exists()


def test_officers_cannot_set_targets(client, council, answered, bank):
    client.force_login(council.officer)
    response = client.post(
        reverse("assessment_targets", kwargs={"pk": answered.pk}), {f"theme-{bank.themes[0].id}": "5"}
    )
    assert response.status_code == 403
    assert not ThemeTarget.objects.exists()


def test_a_drafts_results_say_once_that_they_are_provisional(client, council, answered):
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": answered.pk})).content.decode()
    status = re.search(r'<p class="govuk-body app-status[^"]*">(.*?)</p>', page, re.S).group(1)
    # The status tag names the state, as "Submitted" and "Complete" do; the words say what is provisional.
    assert re.sub(r"<[^>]+>", "", status).startswith("Draft Provisional: 4 of 4 questions answered.")


def test_results_say_how_many_answers_are_not_applicable(client, council, assessment, bank):
    # The task list counted 4 of 4 answered and the results "3 of 3", with nothing to say why.
    for question, level in zip(bank.questions, [4, None, 3, 2], strict=True):
        AnswerFactory(assessment=assessment, question=question, level=level, is_not_applicable=level is None)
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()
    # "From 3 of 3 questions answered (100%). 1 more was answered “Not applicable”…" read as a puzzle beside the
    # task list's 4 of 4: the sentence now counts as the task list does.
    assert "All 4 questions answered: 3 with a level and 1 “Not applicable”, which is not counted in any score." in page


def test_a_baseline_control_claimed_without_evidence_has_the_same_next_step_in_its_theme_as_in_the_plan(
    client, council, assessment, bank
):
    # The theme table said "At or above target" beside the red Critical alert tag; the plan said to evidence it.
    from assessment.models import Question

    Question.objects.filter(pk=bank.questions[2].pk).update(critical=True)
    for question, level in zip(bank.questions, [4, 1, 4, 2], strict=True):
        AnswerFactory(assessment=assessment, question=question, level=level)
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()
    plan, themes = page.split("Theme by theme", 1)
    evidence_step = "Record the evidence that this baseline control is in place"
    assert evidence_step in plan and evidence_step in themes
    backups_row = themes.split(bank.questions[2].text, 1)[1].split("</tr>", 1)[0]
    assert evidence_step in backups_row and "At or above target" not in backups_row
