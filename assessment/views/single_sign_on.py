"""Signing in with a council's own identity provider: the person gives their work email, is sent to their
council's sign-in page, and comes back signed in. The rules are in `assessment.services.single_sign_on`."""

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django_ratelimit.decorators import ratelimit

from assessment.forms import SingleSignOnForm
from assessment.middleware import TWO_FACTOR_STEP
from assessment.services.single_sign_on import (
    SingleSignOnRefused,
    SingleSignOnUnavailable,
    identity_from_callback,
    identity_provider_origins,
    sign_in_redirect,
    single_sign_on_for_email,
    user_for_identity,
)
from assessment.services.two_factor import SignInStep
from assessment.views import safe_next_url

SESSION_NEXT = "sso_next"


def allow_forms_to_identity_providers(response: HttpResponse) -> HttpResponse:
    """A page with a form that starts single sign-on: the form posts here, and the answer redirects to the
    council's provider, which browsers check against the page's CSP form-action. So this page's policy names
    the providers' origins as well as the service's own."""
    # The attribute Django's CSP middleware reads a per-view policy from (as its csp_override decorator sets).
    policy = {**settings.SECURE_CSP, "form-action": [CSP.SELF, *identity_provider_origins()]}
    setattr(response, "_csp_config", policy)  # noqa: B010 - a private attribute the stubs do not declare
    return response


def _rate(group: str, request: HttpRequest) -> str:
    return settings.SIGN_IN_RATE_PER_ADDRESS


@ratelimit(key="ip", rate=_rate, method="POST")
def single_sign_on_start(request: HttpRequest) -> HttpResponse:
    """ "Sign in with your council account": the email address tells us which council's provider to use."""
    if request.user.is_authenticated:
        return redirect(safe_next_url(request, request.GET.get("next", "")))
    form = SingleSignOnForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        sso = single_sign_on_for_email(email)
        if sso is None:
            form.add_error(
                "email",
                "Your council has not set up single sign-on with this service. "
                "Sign in with your email address and password instead.",
            )
        else:
            try:
                to_provider = sign_in_redirect(
                    request=request, sso=sso, callback_url=request.build_absolute_uri(reverse("sso_callback")),
                    email=email,
                )  # fmt: skip
            except SingleSignOnUnavailable:
                return _problem(request, sso.organisation.name, unavailable=True)
            request.session[SESSION_NEXT] = safe_next_url(request, next_url)
            return to_provider
    status = 400 if form.errors else 200
    response = render(request, "single_sign_on/start.html", {"form": form, "next": next_url}, status=status)
    return allow_forms_to_identity_providers(response)


@ratelimit(key="ip", rate=_rate)
def single_sign_on_callback(request: HttpRequest) -> HttpResponse:
    """Where the council's provider sends the person back. Their council's own provider has checked who they
    are (and any second factor it asks for), so the service does not ask for its own code as well."""
    try:
        sso, identity = identity_from_callback(request)
        user = user_for_identity(sso=sso, identity=identity)
    except SingleSignOnUnavailable:
        return _problem(request, "", unavailable=True)
    except SingleSignOnRefused as refusal:
        return _problem(request, "", reason=str(refusal))
    next_url = request.session.pop(SESSION_NEXT, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[TWO_FACTOR_STEP] = SignInStep.DONE.value
    return redirect(safe_next_url(request, next_url))


def _problem(request: HttpRequest, council: str, *, unavailable: bool = False, reason: str = "") -> HttpResponse:
    return render(
        request,
        "single_sign_on/problem.html",
        {"council": council, "unavailable": unavailable, "reason": reason},
        status=503 if unavailable else 403,
    )
