import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.models import Answer, Assessment
from assessment.services.assessments import (
    AnswerChange,
    AnswerConflict,
    AssessmentIncomplete,
    AssessmentLocked,
    answers_save,
    assessment_start,
    assessment_submit,
)
from tests.factories import AnswerFactory, QuestionFactory


def change(question, level=3, evidence="", na=False, version=None):
    return AnswerChange(question=question, level=level, not_applicable=na, evidence=evidence, expected_version=version)


def test_start_refuses_a_second_assessment_for_the_same_period(bank, council, assessment):
    with pytest.raises(ValidationError, match="already has an assessment for 2026/27"):
        assessment_start(
            user=council.officer,
            organisation=council.organisation,
            period="2026/27",
            bank_version=bank.version,
        )


def test_start_refuses_a_second_assessment_for_a_year_even_on_another_bank_version(bank, council, assessment):
    # A council signed off 2025/26 on edition 1; starting 2025/26 again on edition 2 made a second, blank one.
    from assessment.models import BankVersion
    from tests.factories import BankVersionFactory

    BankVersion.objects.filter(pk=bank.version.pk).update(status=BankVersion.Status.RETIRED)
    newer = BankVersionFactory(bank=bank.version.bank, status=BankVersion.Status.PUBLISHED)
    with pytest.raises(ValidationError, match="already has an assessment for 2026/27"):
        assessment_start(user=council.officer, organisation=council.organisation, period="2026/27", bank_version=newer)


def test_start_refuses_someone_from_another_council(bank, council, other_council):
    with pytest.raises(PermissionDenied):
        assessment_start(
            user=other_council.officer,
            organisation=council.organisation,
            period="2026/27",
            bank_version=bank.version,
        )


def test_start_refuses_a_malformed_period(bank, council):
    with pytest.raises(ValidationError, match="2026/27"):
        assessment_start(
            user=council.officer,
            organisation=council.organisation,
            period="2026-2027",
            bank_version=bank.version,
        )


def test_saving_records_who_when_and_bumps_the_version(assessment, bank, council):
    (answer,) = answers_save(
        assessment=assessment, user=council.officer, changes=[change(bank.questions[0], 4, "Policy v2")]
    )
    assert (answer.level, answer.evidence, answer.answered_by, answer.version) == (
        4,
        "Policy v2",
        council.officer,
        1,
    )
    (answer,) = answers_save(
        assessment=assessment,
        user=council.lead,
        changes=[change(bank.questions[0], 5, "Policy v3", version=1)],
    )
    assert (answer.level, answer.answered_by, answer.version) == (5, council.lead, 2)


def test_a_stale_save_is_refused_and_keeps_the_newer_answer(assessment, bank, council):
    answers_save(assessment=assessment, user=council.officer, changes=[change(bank.questions[0], 2, version=0)])
    answers_save(assessment=assessment, user=council.lead, changes=[change(bank.questions[0], 4, version=1)])
    with pytest.raises(AnswerConflict) as conflict:
        answers_save(assessment=assessment, user=council.officer, changes=[change(bank.questions[0], 1, version=1)])
    assert conflict.value.current.level == 4
    assert Answer.objects.get(question=bank.questions[0]).level == 4


def test_saving_the_same_answer_again_does_not_count_as_a_change(assessment, bank, council):
    answers_save(assessment=assessment, user=council.officer, changes=[change(bank.questions[0], 2, "x")])
    (answer,) = answers_save(
        assessment=assessment, user=council.officer, changes=[change(bank.questions[0], 2, "x", version=1)]
    )
    assert answer.version == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": 6}, "level from 1 to 5"),
        ({"level": None, "na": True, "question_index": 0}, "cannot be answered"),
        ({"level": 2, "na": True, "question_index": 1}, "not both"),
        ({"evidence": "x" * 5001}, "5,000 characters"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(assessment, bank, council, kwargs, message):
    question = bank.questions[kwargs.pop("question_index", 0)]
    good = change(bank.questions[2], 3)
    with pytest.raises(ValidationError, match=message):
        answers_save(assessment=assessment, user=council.officer, changes=[good, change(question, **kwargs)])
    assert not Answer.objects.exists()  # all or nothing


def test_a_question_from_another_bank_version_is_refused(assessment, council):
    stranger = QuestionFactory()
    with pytest.raises(ValidationError, match="not part of this assessment"):
        answers_save(assessment=assessment, user=council.officer, changes=[change(stranger)])


def test_a_question_that_does_not_apply_to_the_council_type_is_refused(bank, other_council):
    from tests.factories import AssessmentFactory

    district_assessment = AssessmentFactory(organisation=other_council.organisation, bank_version=bank.version)
    with pytest.raises(ValidationError, match="not part of this assessment"):
        answers_save(assessment=district_assessment, user=other_council.officer, changes=[change(bank.questions[3])])


def test_submit_counts_what_is_unanswered_itself_and_refuses_an_incomplete_assessment(assessment, bank, council):
    AnswerFactory(assessment=assessment, question=bank.questions[0], level=3)
    with pytest.raises(AssessmentIncomplete) as incomplete:
        assessment_submit(assessment=assessment, user=council.officer)
    assert [(t.theme.key, t.total - t.answered) for t in incomplete.value.unanswered] == [
        ("hybrid-working", 1),
        ("cyber-security", 2),
    ]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_submit_refuses_while_carried_forward_answers_are_unconfirmed(assessment, bank, council):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3, carried_forward=question.key == "backups")
    with pytest.raises(AssessmentIncomplete) as incomplete:
        assessment_submit(assessment=assessment, user=council.officer)
    assert [(t.theme.key, t.to_confirm) for t in incomplete.value.to_confirm] == [("cyber-security", 1)]
    assert incomplete.value.unanswered == []


def test_saving_a_theme_for_later_does_not_confirm_carried_forward_answers_but_confirming_does(
    assessment, bank, council
):
    answer = AnswerFactory(assessment=assessment, question=bank.questions[0], level=3, carried_forward=True)
    unchanged = AnswerChange(
        question=bank.questions[0], level=3, not_applicable=False, evidence="", expected_version=answer.version
    )
    answers_save(assessment=assessment, user=council.officer, changes=[unchanged], confirm_carried_forward=False)
    answer.refresh_from_db()
    assert answer.carried_forward
    answers_save(assessment=assessment, user=council.officer, changes=[unchanged], confirm_carried_forward=True)
    answer.refresh_from_db()
    assert not answer.carried_forward and answer.answered_by == council.officer
    # A change confirms it too, whatever the button.
    carried = AnswerFactory(assessment=assessment, question=bank.questions[1], level=2, carried_forward=True)
    changed = AnswerChange(question=bank.questions[1], level=4, not_applicable=False, evidence="")
    answers_save(assessment=assessment, user=council.officer, changes=[changed], confirm_carried_forward=False)
    carried.refresh_from_db()
    assert not carried.carried_forward and carried.level == 4


def test_a_submitted_assessment_is_read_only(assessment, bank, council):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3)
    assessment_submit(assessment=assessment, user=council.officer)
    with pytest.raises(AssessmentLocked):
        answers_save(assessment=assessment, user=council.officer, changes=[change(bank.questions[0])])
    with pytest.raises(AssessmentLocked):
        assessment_submit(assessment=assessment, user=council.officer)
