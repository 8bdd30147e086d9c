"""The invariants live in the database: each violation raises, whatever code path tried it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessment.models import Answer, BankVersion, LevelDescriptor, User
from tests.factories import AnswerFactory, AssessmentFactory, BankVersionFactory, QuestionBankFactory


def raises_integrity_error(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_one_answer_per_question_per_assessment(db):
    answer = AnswerFactory()
    raises_integrity_error(
        lambda: Answer.objects.create(
            assessment=answer.assessment, question=answer.question, level=2, answered_at=timezone.now()
        )
    )


@pytest.mark.parametrize("level", [0, 6])
def test_levels_are_between_1_and_5(db, level):
    raises_integrity_error(lambda: AnswerFactory(level=level))


def test_an_answer_cannot_be_both_a_level_and_not_applicable(db):
    raises_integrity_error(lambda: AnswerFactory(level=3, is_not_applicable=True))


def test_evidence_is_at_most_5000_characters(db):
    AnswerFactory(evidence="x" * 5000)
    raises_integrity_error(lambda: AnswerFactory(evidence="x" * 5001))


def test_one_assessment_per_council_and_period_whatever_the_bank_version(db):
    assessment = AssessmentFactory()
    raises_integrity_error(lambda: AssessmentFactory(organisation=assessment.organisation, period=assessment.period))


def test_only_one_published_version_per_bank(db):
    bank = QuestionBankFactory()
    BankVersionFactory(bank=bank, status=BankVersion.Status.PUBLISHED)
    raises_integrity_error(lambda: BankVersionFactory(bank=bank, status=BankVersion.Status.PUBLISHED))


def test_descriptor_levels_are_between_1_and_5(db):
    answer = AnswerFactory()
    raises_integrity_error(lambda: LevelDescriptor.objects.create(question=answer.question, level=7, descriptor="x"))


def test_email_addresses_are_unique_regardless_of_case(db):
    User.objects.create_user(email="Officer@Council.example", password="x" * 12)
    raises_integrity_error(lambda: User.objects.create(email="OFFICER@council.example"))
