"""`{% url %}` keeps each URL it reverses (assessment/templatetags/kept_urls.py): links must still be the ones
Django would draw, wherever the service is mounted."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix


def draw(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_links_are_the_ones_django_reverses():
    assert draw("{% url 'answer_history' 7 12 %}") == reverse("answer_history", args=[7, 12])
    assert draw("{% url 'theme_answer' pk=3 theme_key=key %}", key="data") == reverse(
        "theme_answer", kwargs={"pk": 3, "theme_key": "data"}
    )
    assert draw("{% url 'dashboard' as back %}<a href='{{ back }}'>", autoescape=True) == (
        f"<a href='{reverse('dashboard')}'>"
    )


def test_a_link_follows_where_the_service_is_mounted():
    """A URL kept from one script prefix is not drawn under another (a council mounting the service at a path)."""
    at_root = draw("{% url 'answer_history' 7 12 %}")
    set_script_prefix("/maturity/")
    try:
        assert draw("{% url 'answer_history' 7 12 %}") == "/maturity" + at_root
    finally:
        set_script_prefix("/")
    assert draw("{% url 'answer_history' 7 12 %}") == at_root


def test_an_unknown_name_still_fails_loudly_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        draw("{% url 'no_such_page' %}")
    assert draw("{% url 'no_such_page' as link %}[{{ link }}]") == "[]"
