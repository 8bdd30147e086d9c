from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessment import selectors
from assessment.models import Assessment, User
from assessment.services.permissions import memberships_for_request


class AuthenticatedHttpRequest(HttpRequest):
    """The request a login_required view receives: its user is always a signed-in User."""

    user: User


def assessment_for_request(request: HttpRequest, pk: int) -> Assessment:
    """The assessment a page is about, if the signed-in person belongs to its council (a 404 otherwise). Every
    page's header reads the person's memberships (`memberships_for_request`), so the assessment is read from
    those, on its own."""
    return selectors.assessment_get_for_member(memberships=memberships_for_request(request), pk=pk)


def safe_next_url(request: HttpRequest, url: str) -> str:
    """Where to go after signing in: the page asked for if it is on this site, otherwise the dashboard. Only a
    path counts: `redirect()` would take a bare word such as "logout" for the name of a page."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("dashboard")
