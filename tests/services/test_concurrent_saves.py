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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_saves_of_different_answers_do_not_wait_for_each_other(assessment, bank, council):
    """Officers sharing an assessment save their own questions side by side: a save still in its transaction
    does not hold up a colleague's save of another question."""
    from django.db import connections, transaction

    first_in_transaction = threading.Event()
    second_done = threading.Event()
    seen_by_first: list[bool] = []

    def slow_save():
        try:
            with transaction.atomic():
                answers_save(assessment=assessment, user=council.officer, changes=[
                    AnswerChange(question=bank.questions[0], level=2, not_applicable=False, evidence="")
                ])  # fmt: skip
                first_in_transaction.set()
                # Still inside the first save's transaction: the second save must get through meanwhile.
                seen_by_first.append(second_done.wait(timeout=10))
        finally:
            connections.close_all()

    def quick_save():
        try:
            first_in_transaction.wait(timeout=10)
            answers_save(assessment=assessment, user=council.lead, changes=[
                AnswerChange(question=bank.questions[1], level=4, not_applicable=False, evidence="")
            ])  # fmt: skip
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_save), threading.Thread(target=quick_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert seen_by_first == [True]
    assert dict(Answer.objects.values_list("question__key", "level")) == {"devices": 2, "connectivity": 4}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_two_first_answers_to_one_question_give_one_save_and_one_conflict(assessment, bank, council):
    question = bank.questions[2]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, level):
        from django.db import connections

        barrier.wait()
        try:
            answers_save(assessment=assessment, user=user, changes=[
                AnswerChange(question=question, level=level, not_applicable=False, evidence="", expected_version=0)
            ])  # fmt: skip
            outcomes.append("saved")
        except AnswerConflict as conflict:
            outcomes.append("conflict")
            assert conflict.current.version == 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(u, lvl)) for u, lvl in ((council.officer, 2), (council.lead, 3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Answer.objects.filter(question=question).count() == 1
