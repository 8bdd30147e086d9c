"""Django's `{% url %}` tag, with each URL reversed once per process and then kept.

Reversing a URL name tries its patterns in turn, about 40 µs a link: the check-answers page links every one of
its hundred-odd questions, and the theme page each answer's history. A URL depends only on its name and arguments,
the script prefix and the URL configuration, and this service has one URL configuration and no language prefixes,
so a URL reversed once is kept (keyed by all of those, at most MAX_KEPT of them) and reused. (With language
prefixes, `i18n_patterns`, the active language would have to be in the key too.)

It is installed as a template builtin (config/settings.py), so templates write `{% url %}` as usual and it works
as Django's does, `as` included. Arguments other than strings and whole numbers (a model object, say) are
reversed every time, as Django does, so nothing is kept by an object's identity; so are links that carry a
secret (NOT_KEPT: a password-reset or invitation token is used once and must not outlive its email in memory).
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

MAX_KEPT = 10_000  # a few hundred bytes each: a few MB at most
_PLAIN = (str, SafeString, int)  # SafeString: a quoted string in a template ({% url 'export' pk 'csv' %})
NOT_KEPT = frozenset({"password_reset_confirm", "invitation_accept"})  # tests/views/test_kept_urls.py: every token


@lru_cache(maxsize=MAX_KEPT)
def _reversed(view_name, args, kwargs, current_app, script_prefix, urlconf) -> str:
    # script_prefix is in the key only because reverse() prepends the current one.
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def url_reverse_kept(view_name: str, args: list, kwargs: dict, current_app: str | None) -> str:
    """`reverse`, kept for plain arguments. NoReverseMatch as reverse raises it (a failure is not kept)."""
    if (
        view_name not in NOT_KEPT
        and all(type(a) in _PLAIN for a in args)
        and all(type(v) in _PLAIN for v in kwargs.values())
    ):
        return _reversed(
            view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, get_script_prefix(), get_urlconf()
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


@receiver(setting_changed)
def _forget_on_new_urls(*, setting: str, **kwargs) -> None:
    """A test that swaps the URL configuration, or where the service is mounted, gets URLs drawn afresh."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reversed.cache_clear()


class KeptURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        # As URLNode.render, which calls reverse() directly, with url_reverse_kept in its place.
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        result = ""
        try:
            result = url_reverse_kept(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = result
            return ""
        return conditional_escape(result) if context.autoescape else result


@register.tag("url")
def kept_url(parser: template.base.Parser, token: template.base.Token) -> KeptURLNode:
    node = url(parser, token)  # Django's parsing of the tag's arguments, unchanged
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
