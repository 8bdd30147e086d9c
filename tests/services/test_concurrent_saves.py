"""Two people saving the same answer at the same moment: one wins, the other is told, nothing is lost.

This needs real concurrent transactions, so it runs on PostgreSQL (CI runs the suite on both databases);
SQLite serialises every write, which the version check in tests/services/test_assessments.py covers."""

import threading

import pytest
from django.db import connection

from assessment.models import Answer
from assessment.services.assessments import AnswerChange, AnswerConflict, answers_save

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_simultaneous_saves_from_the_same_version_let_exactly_one_through(assessment, bank, council):
    question = bank.questions[0]
    answers_save(assessment=assessment, user=council.officer, changes=[
        AnswerChange(question=question, level=1, not_applicable=False, evidence="", expected_version=0)
    ])  # fmt: skip
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, level):
        from django.db import connections

        barrier.wait()
        try:
            answers_save(assessment=assessment, user=user, changes=[
                AnswerChange(question=question, level=level, not_applicable=False, evidence="", expected_version=1)
            ])  # fmt: skip
            outcomes.append(("saved", level))
        except AnswerConflict:
            outcomes.append(("conflict", level))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(u, lvl)) for u, lvl in ((council.officer, 3), (council.lead, 5))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
    winner = next(level for kind, level in outcomes if kind == "saved")
    answer = Answer.objects.get(question=question)
    assert (answer.level, answer.version) == (winner, 2)
