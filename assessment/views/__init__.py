from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessment.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a login_required view receives: its user is always a signed-in User."""

    user: User


def safe_next_url(request: HttpRequest, url: str) -> str:
    """Where to go after signing in: the page asked for if it is on this site, otherwise the dashboard."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("dashboard")
