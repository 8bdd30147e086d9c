"""Signing in and out, password resets, and keeping a session alive: Django's own views, with limits."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from assessment.forms import GovukPasswordResetForm, SignInForm


def _email_key(group: str, request: HttpRequest) -> str:
    """Requests are counted per email address typed, whether or not an account has it."""
    return request.POST.get("email", "").strip().lower()


@method_decorator(
    ratelimit(key="ip", rate=lambda group, request: settings.SIGN_IN_RATE_PER_ADDRESS, method="POST"), name="post"
)
class SignInView(auth_views.LoginView):
    """Sign in by email and password. django-axes locks an account after repeated failures; this also limits
    attempts from one address, so a flood of guesses cannot tie up the service."""

    authentication_form = SignInForm
    redirect_authenticated_user = True


@method_decorator(
    ratelimit(key="ip", rate=lambda group, request: settings.PASSWORD_RESET_RATE_PER_ADDRESS, method="POST"),
    name="post",
)
@method_decorator(
    ratelimit(key=_email_key, rate=lambda group, request: settings.PASSWORD_RESET_RATE_PER_EMAIL, method="POST"),
    name="post",
)
class PasswordResetView(auth_views.PasswordResetView):
    form_class = GovukPasswordResetForm


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin site signs people in through the service's own sign-in page, with the same limits."""
    return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))


@login_required
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": renews the session (always, however recently it was renewed)."""
    request.session.modified = True
    return JsonResponse({"idle_seconds": settings.SESSION_IDLE_SECONDS})
