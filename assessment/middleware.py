"""Middleware of our own: session limits, the two-factor step after the password, and the headers every
signed-in page needs."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import BadRequest
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from assessment.services.two_factor import SignInStep, sign_in_step

SIGNED_IN_AT = "signed_in_at"
RENEWED_AT = "renewed_at"
TWO_FACTOR_STEP = "two_factor_step"
# Pages a person can open between their password and their code.
TWO_FACTOR_OPEN_URL_NAMES = ("two_factor_verify", "two_factor_setup", "logout", "session_keep_alive", "healthz")


@receiver(user_logged_in)
def _decide_two_factor_step(sender, request, user, **kwargs):
    """Worked out once, at sign-in, so that pages do not query for it."""
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_STEP] = sign_in_step(user).value


class TwoFactorMiddleware:
    """After the password, someone with an authenticator app enters its code, and someone who must use
    two-factor authentication but has not set it up does so, before any other page (the admin site
    included). They are then sent on to the page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            step = request.session.get(TWO_FACTOR_STEP)
            if step is None:  # a session from before two-factor authentication existed
                step = request.session[TWO_FACTOR_STEP] = sign_in_step(user).value
            if step != SignInStep.DONE and request.path not in self.open_paths():
                page = "two_factor_verify" if step == SignInStep.ENTER_CODE else "two_factor_setup"
                return redirect(f"{reverse(page)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in TWO_FACTOR_OPEN_URL_NAMES)
        return self._open_paths


class SessionLimitsMiddleware:
    """Ends a session SESSION_MAX_SECONDS after sign-in, however active it has been; the person is sent to sign
    in again and then back to the page they asked for. The idle limit is the session's age, renewed by
    activity at most once a minute (more often if the idle limit is under ten minutes: every tenth of it), so
    that most requests do not write the session to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, int(time.time()))
            now = time.time()
            if now - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, "You were signed out because you had been signed in for a long time.")
                return redirect(f"{reverse('login')}?next={request.get_full_path()}")
            if now - request.session.get(RENEWED_AT, 0) >= min(60, settings.SESSION_IDLE_SECONDS // 10):
                request.session[RENEWED_AT] = int(now)  # saved, with a fresh expiry, at the end of the request
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or proxy cache (a shared computer's back
    button, a council's proxy), and the browser features the service never uses are switched off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NulCharactersRefusedMiddleware:
    """A 400 for a NUL character in the address or its query string. No page has a use for one, and PostgreSQL
    cannot compare text with it, so a filter or search that passed one on (the admin's, say) would fail with a
    server error. (Forms refuse NUL in what is posted to them: Django's text fields do.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("A NUL character in the address")
        return self.get_response(request)
