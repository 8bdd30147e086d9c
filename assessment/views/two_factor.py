"""Two-factor authentication pages: the code after the password, setting up an authenticator app, and the
person's own settings. The rules live in `assessment/services/two_factor.py`."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessment import selectors
from assessment.forms import RequireTwoFactorForm, SecurityCodeForm, form_add_service_errors
from assessment.middleware import TWO_FACTOR_STEP
from assessment.services.two_factor import (
    CodeRefused,
    SignInStep,
    authenticator_confirm,
    authenticator_get,
    authenticator_qr_code_svg,
    authenticator_secret,
    authenticator_start,
    authenticator_unfinished,
    organisation_two_factor_set,
    recovery_codes_left,
    recovery_codes_replace,
    two_factor_required,
    two_factor_turn_off,
    two_factor_verify,
)
from assessment.views import AuthenticatedHttpRequest, safe_next_url

SETUP_DEVICE = "two_factor_setup_device"


def _next_url(request: AuthenticatedHttpRequest) -> str:
    return safe_next_url(request, request.POST.get("next") or request.GET.get("next") or "")


def _signed_in_fully(request: AuthenticatedHttpRequest) -> None:
    request.session[TWO_FACTOR_STEP] = SignInStep.DONE.value
    request.session.cycle_key()  # a new session id for the fully signed-in session


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.session.get(TWO_FACTOR_STEP) != SignInStep.ENTER_CODE:
        return redirect(_next_url(request))
    form = SecurityCodeForm(
        request.POST or None,
        hint="The 6-digit code your authenticator app shows now. If you do not have your phone, use one of your "
        "recovery codes.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            _signed_in_fully(request)
            left = recovery_codes_left(request.user)
            if left <= 3:
                messages.warning(
                    request,
                    f"You have {left} recovery code{'s' if left != 1 else ''} left. Get new ones from "
                    "“Sign-in security”.",
                )
            return redirect(_next_url(request))
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code from the app to show
    it works. The recovery codes are shown once, on the page that follows."""
    if request.session.get(TWO_FACTOR_STEP) == SignInStep.ENTER_CODE:
        # Prove the current app before replacing it.
        return redirect(f"{reverse('two_factor_verify')}?next={quote(_next_url(request))}")
    device = _unfinished_app(request)
    form = SecurityCodeForm(
        request.POST or None, button="Continue", hint="The 6-digit code your authenticator app shows now."
    )
    if request.method == "POST" and form.is_valid():
        replacing = authenticator_get(request.user) is not None  # an app, and so recovery codes, from before
        try:
            codes = authenticator_confirm(user=request.user, device_id=device.pk, code=form.cleaned_data["code"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            request.session.pop(SETUP_DEVICE, None)
            _signed_in_fully(request)
            return render(
                request,
                "two_factor/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "replaced": replacing},
            )
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": authenticator_qr_code_svg(device, request.user),
            "secret": authenticator_secret(device),
            "required": two_factor_required(request.user),
        },
    )


def _unfinished_app(request: AuthenticatedHttpRequest) -> TOTPDevice:
    """The app being set up in this session, so that a wrong code or a reload does not change the secret the
    person has just scanned."""
    device = authenticator_unfinished(user=request.user, device_id=request.session.get(SETUP_DEVICE))
    if device is None:
        device = authenticator_start(request.user)
        request.session[SETUP_DEVICE] = device.pk
    return device


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own two-factor settings: set it up, get new recovery codes, or turn it off."""
    action = request.POST.get("action")
    if action == "new_codes" and authenticator_get(request.user):
        codes = recovery_codes_replace(user=request.user)
        return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": "/", "replaced": True})
    if action == "turn_off":
        try:
            two_factor_turn_off(user=request.user)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Two-factor authentication is off. You sign in with your password only.")
        return redirect("sign_in_security")
    return render(
        request,
        "two_factor/security.html",
        {
            "app": authenticator_get(request.user),
            "codes_left": recovery_codes_left(request.user),
            "required": two_factor_required(request.user),
        },
    )


@login_required
@require_POST
def organisation_two_factor(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_for_user(user=request.user), pk=pk)
    form = RequireTwoFactorForm(request.POST)
    form.is_valid()  # a checkbox: absent means "not required"
    organisation_two_factor_set(
        organisation=organisation, user=request.user, required=form.cleaned_data.get("required", False)
    )
    if organisation.requires_two_factor:
        messages.success(
            request,
            f"Everyone in {organisation.name} must now use two-factor authentication. People who have not set it "
            "up will be asked to the next time they sign in.",
        )
    else:
        messages.success(request, f"{organisation.name} no longer requires two-factor authentication.")
    return redirect("team", pk=organisation.pk)
