"""The busy pages use a fixed number of queries however many questions a theme has: the same with 6 questions in
the theme as with 12, and pinned exactly, so an N+1 cannot creep in unnoticed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AnswerFactory, EvidenceItemFactory, QuestionFactory

# Each page's queries, including the session's read. Its renewal (a savepoint, the update, its release) happens
# at most once a minute, so is not counted here: each test opens a page first, which renews it.
PINNED = {"assessment_task_list": 11, "theme_answer": 14, "assessment_results": 20, "assessment_check": 15}


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
    client.get(reverse("dashboard"))  # renews the new session
    grow_theme(assessment, theme, 6)
    with_six = count(client, page, assessment, theme)
    grow_theme(assessment, theme, 12)
    with_twelve = count(client, page, assessment, theme)
    assert (with_six, with_twelve) == (PINNED[page], PINNED[page])


# One question and its answer, whatever the size of the bank; PostgreSQL also takes a shared lock on the
# assessment, so that it cannot be submitted mid-save (SQLite serialises writes anyway).
AUTOSAVE_PINNED = 12 if connection.vendor == "postgresql" else 11


def test_an_autosave_reads_only_the_question_it_saves(client, assessment, bank, council):
    theme = bank.themes[0]
    client.force_login(council.officer)
    client.get(reverse("dashboard"))  # renews the new session
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


def test_activity_renews_the_session_at_most_once_a_minute(client, council, settings, monkeypatch):
    """Reading pages does not write the session each time; activity still extends the idle limit."""
    from django.contrib.sessions.models import Session

    from assessment import middleware

    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    client.force_login(council.officer)
    client.get(reverse("dashboard"))
    session = Session.objects.get()
    first_expiry = session.expire_date

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))  # a moment later
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]

    clock[0] += 61  # a minute on
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    assert [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    assert Session.objects.get().expire_date > first_expiry
