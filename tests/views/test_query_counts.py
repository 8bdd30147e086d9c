"""The busy pages use a fixed number of queries however many questions a theme has: the same with 6 questions in
the theme as with 12, and pinned exactly, so an N+1 cannot creep in unnoticed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AnswerFactory, EvidenceItemFactory, QuestionFactory

# Each page's queries, including the session's read and its renewal (a savepoint, the update, its release).
PINNED = {"assessment_task_list": 14, "theme_answer": 17, "assessment_results": 23, "assessment_check": 18}


def grow_theme(assessment, theme, questions: int) -> None:
    """Give the theme `questions` answered questions, each with an evidence item."""
    existing = theme.questions.count()
    for n in range(existing, questions):
        QuestionFactory(theme=theme, key=f"extra-{n}", position=10 + n)
    for question in theme.questions.exclude(answers__assessment=assessment):
        answer = AnswerFactory(assessment=assessment, question=question, level=1 + question.pk % 5, evidence="Notes")
        EvidenceItemFactory(answer=answer)


def count(client, page: str, assessment, theme) -> int:
    kwargs = {"pk": assessment.pk} | ({"theme_key": theme.key} if page == "theme_answer" else {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, kwargs=kwargs))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", list(PINNED))
def test_busy_pages_have_a_fixed_query_count(client, assessment, bank, council, page):
    theme = bank.themes[0]
    client.force_login(council.officer)
    grow_theme(assessment, theme, 6)
    with_six = count(client, page, assessment, theme)
    grow_theme(assessment, theme, 12)
    with_twelve = count(client, page, assessment, theme)
    assert (with_six, with_twelve) == (PINNED[page], PINNED[page])


# One question and its answer, whatever the size of the bank; PostgreSQL also takes a shared lock on the
# assessment, so that it cannot be submitted mid-save (SQLite serialises writes anyway).
AUTOSAVE_PINNED = 15 if connection.vendor == "postgresql" else 14


def test_an_autosave_reads_only_the_question_it_saves(client, assessment, bank, council):
    theme = bank.themes[0]
    client.force_login(council.officer)
    counts = []
    for size in (6, 12):
        grow_theme(assessment, theme, size)
        question = bank.questions[0]
        version = question.answers.get(assessment=assessment).version
        url = reverse("answer_autosave", kwargs={"pk": assessment.pk})
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"question": question.pk, "level": str(size % 5 + 1), "version": version})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [AUTOSAVE_PINNED, AUTOSAVE_PINNED]
