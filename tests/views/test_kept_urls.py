"""`{% url %}` keeps each URL it reverses (assessment/templatetags/kept_urls.py): links must still be the ones
Django would draw, wherever the service is mounted."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix

from assessment.templatetags.kept_urls import NOT_KEPT, _reversed


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


def test_a_link_drawn_again_is_not_reversed_again():
    _reversed.cache_clear()
    draw("{% url 'assessment_export' 7 'scores' 'csv' %}")
    draw("{% url 'assessment_export' 7 'scores' 'csv' %}")
    assert _reversed.cache_info().hits == 1


def test_links_that_carry_a_secret_are_never_kept():
    """A password-reset or invitation token must not outlive its email in a worker's memory."""
    routes = {}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif pattern.name:
                routes[pattern.name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns)
    with_tokens = {name for name, route in routes.items() if "token" in route}
    assert with_tokens == {"password_reset_confirm", "invitation_accept"}
    assert with_tokens <= NOT_KEPT
    _reversed.cache_clear()
    draw("{% url 'invitation_accept' 'a-secret-token' %}")
    assert _reversed.cache_info().currsize == 0
