"""Error pages in the service's own design, in plain English."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors beyond the minimum: the error may have come from one of them.
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=400)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many sign-in attempts or password-reset requests from one address or for one email address."""
    return render(request, "errors/rate_limited.html", status=429)
