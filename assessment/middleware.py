"""Middleware of our own: session limits and the headers every signed-in page needs."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SIGNED_IN_AT = "signed_in_at"


class SessionLimitsMiddleware:
    """Ends a session SESSION_MAX_SECONDS after sign-in, however active it has been. (The idle limit is the
    session cookie's age, renewed by every request.) The person is sent to sign in again and then back to the
    page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, int(time.time()))
            if time.time() - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, "You were signed out because you had been signed in for a long time.")
                return redirect(f"{reverse('login')}?next={request.get_full_path()}")
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
