from django.conf import settings
from django.http import HttpRequest

from assessment.middleware import TWO_FACTOR_STEP
from assessment.models import Organisation
from assessment.services.permissions import memberships_for_request
from assessment.services.two_factor import SignInStep


def service(request: HttpRequest) -> dict[str, object]:
    """The service name, and the councils the signed-in person belongs to (for the header's Team links),
    read once per page."""
    councils: list[Organisation] = []
    two_factor_pending = False
    # An error page for a request refused before the authentication middleware ran (a disallowed Host header,
    # say) has no user: it must still render.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Between the password and the code only signing out is offered: every other page leads back here.
        two_factor_pending = request.session.get(TWO_FACTOR_STEP, SignInStep.DONE) != SignInStep.DONE
        if not two_factor_pending:
            councils = [m.organisation for m in memberships_for_request(request).values()]
    return {
        "service_name": settings.SERVICE_NAME,
        "user_councils": councils,
        "two_factor_pending": two_factor_pending,
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
        "session_idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
