"""The busy pages use a fixed number of queries however many questions a theme has."""

import pytest
from django.urls import reverse

from tests.factories import AnswerFactory, QuestionFactory


@pytest.mark.parametrize("extra_questions", [0, 30])
@pytest.mark.parametrize("page", ["assessment_task_list", "theme_answer", "assessment_results", "assessment_check"])
def test_busy_pages_have_a_fixed_query_count(
    client, django_assert_max_num_queries, assessment, bank, council, page, extra_questions
):
    for n in range(extra_questions):
        question = QuestionFactory(theme=bank.themes[0], key=f"extra-{n}", position=10 + n)
        AnswerFactory(assessment=assessment, question=question, level=1 + n % 5, evidence="Evidence")
    client.force_login(council.officer)
    kwargs = {"pk": assessment.pk}
    if page == "theme_answer":
        kwargs["theme_key"] = bank.themes[0].key
    with django_assert_max_num_queries(20):
        response = client.get(reverse(page, kwargs=kwargs))
    assert response.status_code == 200
