from django.http import HttpRequest

from assessment.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a login_required view receives: its user is always a signed-in User."""

    user: User
