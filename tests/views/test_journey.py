"""The officer's journey through the web pages, as the Django test client sees it."""

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Answer, Assessment
from tests.factories import AnswerFactory


@pytest.fixture
def officer_client(client, council):
    client.force_login(council.officer)
    return client


def theme_url(assessment, theme):
    return reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": theme.key})


def test_starting_an_assessment_opens_its_task_list(officer_client, bank, council):
    response = officer_client.post(
        reverse("assessment_new"),
        {"organisation": council.organisation.pk, "period": "2026/27", "bank_version": bank.version.pk},
    )
    assessment = Assessment.objects.get()
    assert response.url == reverse("assessment_task_list", kwargs={"pk": assessment.pk})
    page = officer_client.get(response.url).content.decode()
    assert "Hybrid working" in page and "Cyber security" in page
    assert "You have answered 0 of 4 questions" in page
    assert page.count("Not started") == 2


def test_starting_the_same_period_twice_explains_why_not(officer_client, bank, council, assessment):
    response = officer_client.post(
        reverse("assessment_new"),
        {"organisation": council.organisation.pk, "period": "2026/27", "bank_version": bank.version.pk},
    )
    assert response.status_code == 200
    assert "already has an assessment for 2026/27" in response.content.decode()


def test_theme_page_shows_questions_descriptors_and_not_applicable_where_allowed(officer_client, assessment, bank):
    page = officer_client.get(theme_url(assessment, bank.themes[0])).content.decode()
    assert "Question 1" in page and "Question 2" in page
    assert "What a visitor sees at level 5 of devices" in page
    assert page.count('value="na"') == 1  # only "connectivity" allows it
    assert 'data-maxlength="5000"' in page


def test_district_councils_do_not_see_county_only_questions(client, bank, other_council):
    from tests.factories import AssessmentFactory

    district = AssessmentFactory(organisation=other_council.organisation, bank_version=bank.version)
    client.force_login(other_council.officer)
    page = client.get(theme_url(district, bank.themes[1])).content.decode()
    assert "What a visitor sees at level 1 of backups" in page
    assert "care-data" not in page


def test_save_and_continue_saves_and_moves_to_the_next_theme(officer_client, assessment, bank, council):
    devices, connectivity = bank.questions[0], bank.questions[1]
    response = officer_client.post(
        theme_url(assessment, bank.themes[0]),
        {
            f"q{devices.id}-level": "4",
            f"q{devices.id}-evidence": "Device policy 2025",
            f"q{connectivity.id}-level": "na",
            "action": "continue",
        },
    )
    assert response.url == theme_url(assessment, bank.themes[1])
    saved = {a.question_id: a for a in Answer.objects.all()}
    assert saved[devices.id].level == 4 and saved[devices.id].evidence == "Device policy 2025"
    assert saved[devices.id].answered_by == council.officer
    assert saved[connectivity.id].is_not_applicable
    task_list = officer_client.get(reverse("assessment_task_list", kwargs={"pk": assessment.pk})).content.decode()
    assert "2 of 2 answered" in task_list and "Completed" in task_list


def test_save_and_come_back_later_returns_to_the_task_list_and_answers_are_there_next_time(
    officer_client, assessment, bank
):
    devices = bank.questions[0]
    response = officer_client.post(
        theme_url(assessment, bank.themes[0]),
        {f"q{devices.id}-level": "2", f"q{devices.id}-evidence": "Draft", "action": "later"},
    )
    assert response.url == reverse("assessment_task_list", kwargs={"pk": assessment.pk})
    page = officer_client.get(theme_url(assessment, bank.themes[0])).content.decode()
    assert (
        f'name="q{devices.id}-level" type="radio" value="2" aria-describedby="q{devices.id}-level-2-hint" checked'
        in page
    )
    assert ">Draft</textarea>" in page


def test_last_theme_continues_to_check_your_answers(officer_client, assessment, bank):
    response = officer_client.post(theme_url(assessment, bank.themes[1]), {"action": "continue"})
    assert response.url == reverse("assessment_check", kwargs={"pk": assessment.pk})


@pytest.mark.parametrize(
    ("level", "evidence", "message"),
    [
        ("9", "", "Question 1: select one of the levels shown"),
        ("3", "x" * 5001, "Question 1: notes must be 5,000 characters or fewer"),
    ],
)
def test_bad_input_shows_an_error_summary_keeps_what_was_typed_and_loses_nothing_saved(
    officer_client, assessment, bank, council, level, evidence, message
):
    devices = bank.questions[0]
    AnswerFactory(
        assessment=assessment, question=devices, level=2, evidence="Saved before", answered_by=council.officer
    )
    response = officer_client.post(
        theme_url(assessment, bank.themes[0]),
        {
            f"q{devices.id}-level": level,
            f"q{devices.id}-evidence": evidence or "Typed now",
            "action": "continue",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert (evidence or "Typed now") in page  # what was typed is still in the form
    assert Answer.objects.get(question=devices).evidence == "Saved before"


def test_a_forged_question_field_cannot_touch_another_question(officer_client, assessment, bank):
    backups = bank.questions[2]  # in the other theme
    officer_client.post(theme_url(assessment, bank.themes[0]), {f"q{backups.id}-level": "5", "action": "continue"})
    assert not Answer.objects.filter(question=backups).exists()


def test_a_post_without_a_csrf_token_is_a_400_and_saves_nothing(assessment, bank, council):
    client = Client(enforce_csrf_checks=True)
    client.force_login(council.officer)
    devices = bank.questions[0]
    response = client.post(theme_url(assessment, bank.themes[0]), {f"q{devices.id}-level": "3", "action": "continue"})
    assert response.status_code == 400
    assert "Nothing you had already saved has been lost" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_theme_that_is_not_in_the_assessment_is_a_404(officer_client, assessment):
    response = officer_client.get(reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": "no-such-theme"}))
    assert response.status_code == 404


class TestAutosave:
    def url(self, assessment):
        return reverse("answer_autosave", kwargs={"pk": assessment.pk})

    def test_saves_one_answer_and_returns_its_new_version(self, officer_client, assessment, bank):
        devices = bank.questions[0]
        response = officer_client.post(
            self.url(assessment), {"question": devices.id, "level": "3", "evidence": "Typed", "version": 0}
        )
        assert response.status_code == 200
        assert response.json()["version"] == 1 and response.json()["saved"].startswith("Saved at")
        assert Answer.objects.get(question=devices).level == 3

    def test_a_stale_version_is_a_409_with_the_saved_answer(self, officer_client, assessment, bank, council):
        devices = bank.questions[0]
        AnswerFactory(
            assessment=assessment,
            question=devices,
            level=4,
            evidence="Lead's view",
            version=3,
            answered_by=council.lead,
        )
        response = officer_client.post(self.url(assessment), {"question": devices.id, "level": "1", "version": 2})
        assert response.status_code == 409
        assert response.json()["current"]["level"] == "4"
        assert response.json()["current"]["evidence"] == "Lead's view"
        assert Answer.objects.get(question=devices).level == 4

    @pytest.mark.parametrize(
        "data",
        [
            {"level": "7"},
            {"level": "3", "evidence": "x" * 5001},
            {"question": 999999, "level": "3"},
            {"question": "abc", "level": "3"},
        ],
    )
    def test_bad_input_is_a_400_and_changes_nothing(self, officer_client, assessment, bank, data):
        payload = {"question": bank.questions[0].id, "version": 0, **data}
        response = officer_client.post(self.url(assessment), payload)
        assert response.status_code == 400
        assert response.json()["errors"]
        assert not Answer.objects.exists()

    def test_a_question_from_another_council_type_is_a_400(self, client, bank, other_council):
        from tests.factories import AssessmentFactory

        district = AssessmentFactory(organisation=other_council.organisation, bank_version=bank.version)
        client.force_login(other_council.officer)
        response = client.post(self.url(district), {"question": bank.questions[3].id, "level": "3"})
        assert response.status_code == 400


def answer_everything(assessment, bank, user):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3, answered_by=user)


def test_submit_needs_confirmation_and_every_answer(officer_client, assessment, bank, council):
    check_url = reverse("assessment_check", kwargs={"pk": assessment.pk})
    response = officer_client.post(check_url, {})
    assert "Confirm that the answers are an honest account" in response.content.decode()
    response = officer_client.post(check_url, {"confirm": "on"})
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<a href="{theme_url(assessment, bank.themes[0])}">Answer the 2 unanswered questions in Hybrid working' in page
    )
    # The district-only question does not apply to this county council, but care-data does: 2 in cyber too.
    assert "Answer the 2 unanswered questions in Cyber security" in page
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_submitting_locks_the_assessment_and_shows_the_results(officer_client, assessment, bank, council):
    answer_everything(assessment, bank, council.officer)
    response = officer_client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    assert response.url == reverse("assessment_submitted", kwargs={"pk": assessment.pk})
    assert "Assessment submitted" in officer_client.get(response.url).content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED and assessment.submitted_by == council.officer

    # Read-only afterwards: the theme page has no form, and a POST changes nothing.
    page = officer_client.get(theme_url(assessment, bank.themes[0])).content.decode()
    assert "can no longer be changed" in page and 'value="continue"' not in page
    devices = bank.questions[0]
    response = officer_client.post(
        theme_url(assessment, bank.themes[0]), {f"q{devices.id}-level": "5", "action": "continue"}
    )
    assert response.status_code == 409
    autosave = officer_client.post(
        reverse("answer_autosave", kwargs={"pk": assessment.pk}), {"question": devices.id, "level": "5"}
    )
    assert autosave.status_code == 409
    assert Answer.objects.get(question=devices).level == 3


def test_results_show_weighted_scores_and_the_matching_recommendations(officer_client, assessment, bank, council):
    devices, connectivity, backups, care = bank.questions
    AnswerFactory(assessment=assessment, question=devices, level=4)  # weight 2
    AnswerFactory(assessment=assessment, question=connectivity, level=1)  # weight 1 → (8 + 1) / 3 = 3.0
    AnswerFactory(assessment=assessment, question=backups, level=None, is_not_applicable=False)
    AnswerFactory(assessment=assessment, question=care, level=2)  # cyber = 2.0; overall (3 + 2) / 2 = 2.5
    page = officer_client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()
    assert "2.5" in page and "Level 2: Developing" in page
    assert "From 3 of 4 questions answered" in page
    # Only answers below their target (the bank's 3) get a next step: connectivity (1) and care (2), not devices (4).
    assert "Step from level 1 of connectivity" in page and "Step from level 2 of care-data" in page
    assert "Step from level 4 of devices" not in page
    assert "Provisional: 3 of 4 questions answered" in page


def test_dashboard_lists_the_councils_assessments_with_progress(officer_client, assessment, bank, other_council):
    from tests.factories import AssessmentFactory

    AssessmentFactory(organisation=other_council.organisation, bank_version=bank.version, period="2024/25")
    AnswerFactory(assessment=assessment, question=bank.questions[0])
    page = officer_client.get(reverse("dashboard")).content.decode()
    assert "2026/27" in page and "1 of 4 answered" in page
    assert "2024/25" not in page  # another council's


def test_a_stale_form_save_shows_both_answers_and_saving_again_keeps_mine(officer_client, assessment, bank, council):
    devices = bank.questions[0]
    AnswerFactory(
        assessment=assessment,
        question=devices,
        level=4,
        evidence="Lead's evidence",
        version=2,
        answered_by=council.lead,
    )
    mine = {
        f"q{devices.id}-level": "2",
        f"q{devices.id}-evidence": "My evidence",
        f"q{devices.id}-version": "1",
        "action": "later",
    }
    response = officer_client.post(theme_url(assessment, bank.themes[0]), mine)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this answer after you opened the page" in page
    assert "Lead&#x27;s evidence" in page and "My evidence" in page  # both answers are on the page
    assert Answer.objects.get(question=devices).level == 4  # nothing overwritten yet
    # The form now carries the colleague's version, so saving again is a deliberate choice to keep mine.
    assert f'name="q{devices.id}-version" value="2"' in page
    officer_client.post(theme_url(assessment, bank.themes[0]), {**mine, f"q{devices.id}-version": "2"})
    assert Answer.objects.get(question=devices).level == 2
