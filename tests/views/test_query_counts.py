"""The busy pages use a fixed number of queries however many questions a theme has: the same with 6 questions in
the theme as with 12, and pinned exactly, so an N+1 cannot creep in unnoticed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.management.commands.benchmark import statement_count
from assessment.models import Assessment
from assessment.selectors import bank_content_forget
from tests.factories import AnswerFactory, EvidenceItemFactory, QuestionFactory

# Each page's queries. The question bank is read once per process (each count follows a first request); the
# session is read from the cache (the in-process one here, Redis in production) and renewed at most once a
# minute, so it is not counted either: each test opens a page first, which renews it. The results page is counted
# as drawn afresh; once drawn it is kept until the assessment changes (tests/views/test_results_kept.py).
PINNED = {"assessment_task_list": 6, "theme_answer": 6, "assessment_results": 10, "assessment_check": 7}


def grow_theme(assessment, theme, questions: int) -> None:
    """Give the theme `questions` answered questions, each with an evidence item."""
    existing = theme.questions.count()
    for n in range(existing, questions):
        QuestionFactory(theme=theme, key=f"extra-{n}", position=10 + n)
    bank_content_forget()  # a published bank never changes, except here
    for question in theme.questions.exclude(answers__assessment=assessment):
        answer = AnswerFactory(assessment=assessment, question=question, level=1 + question.pk % 5, evidence="Notes")
        EvidenceItemFactory(answer=answer)


def count(client, page: str, assessment, theme) -> int:
    kwargs = {"pk": assessment.pk} | ({"theme_key": theme.key} if page == "theme_answer" else {})
    client.get(reverse(page, kwargs=kwargs))  # the first read of the bank in this process
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())  # results drawn afresh, not kept
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


# The user, the assessment, its shared lock with the person's role, the answer, its update and its history: one
# question and its answer, whatever the size of the bank.
AUTOSAVE_PINNED = 6


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
        client.get(reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": theme.key}))  # reads the bank
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"question": question.pk, "level": str(size % 5 + 1), "version": version})
        assert response.status_code == 200
        counts.append(statement_count(queries))
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
