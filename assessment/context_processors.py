from django.conf import settings
from django.http import HttpRequest

from assessment.models import Organisation


def service(request: HttpRequest) -> dict[str, object]:
    """The service name, and the councils the signed-in person belongs to (for the header's Team links),
    read once per page."""
    councils: list[Organisation] = []
    # An error page for a request refused before the authentication middleware ran (a disallowed Host header,
    # say) has no user: it must still render.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        councils = list(Organisation.objects.filter(memberships__user=user).order_by("name"))
    return {
        "service_name": settings.SERVICE_NAME,
        "user_councils": councils,
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
        "session_idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
