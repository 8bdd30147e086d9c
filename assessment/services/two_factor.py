"""Two-factor authentication: a code from an authenticator app (TOTP), with recovery codes for when the phone
is lost. Built on django-otp's devices, which throttle wrong codes and refuse a code used twice.

Who must use it: platform administrators (and so question-bank editors, who are platform administrators),
and every member of a council that requires it. Anyone else may turn it on.
"""

import base64
import secrets
from enum import StrEnum
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from assessment.models import Membership, Organisation, User
from assessment.services.permissions import Can, require

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class SignInStep(StrEnum):
    """What a signed-in person must do before using the service, decided once per session."""

    DONE = "done"  # verified with a code, or two-factor is neither set up nor required
    ENTER_CODE = "enter_code"  # has an authenticator app: enter its code
    SET_UP = "set_up"  # must use two-factor and has not set it up yet


def two_factor_required(user: User) -> bool:
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, organisation__requires_two_factor=True).exists()


def authenticator_get(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def sign_in_step(user: User) -> SignInStep:
    """What this person must do after their password, before anything else."""
    if authenticator_get(user) is not None:
        return SignInStep.ENTER_CODE
    if two_factor_required(user):
        return SignInStep.SET_UP
    return SignInStep.DONE


def authenticator_start(user: User) -> TOTPDevice:
    """A new secret for the person's authenticator app, not yet in use: it counts only once they have typed a
    code from it. Starting again replaces an unfinished one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=random_hex(20), confirmed=False)


def authenticator_unfinished(*, user: User, device_id: int | None) -> TOTPDevice | None:
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def authenticator_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def authenticator_qr_code_svg(device: TOTPDevice, user: User) -> str:
    """The otpauth:// link as a QR code (SVG markup), labelled with the service and the person's email."""
    issuer = settings.SERVICE_NAME
    secret = authenticator_secret(device).replace(" ", "")
    url = (
        f"otpauth://totp/{quote(issuer)}:{quote(user.email)}?secret={secret}&issuer={quote(issuer)}"
        f"&digits={device.digits}&period={device.step}"
    )
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1)


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def authenticator_confirm(*, user: User, device_id: int, code: str) -> list[str]:
    """Put the new authenticator app to use once it has given a right code, and return a fresh set of recovery
    codes (shown once; only django-otp's copies are kept)."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        raise ValidationError("Start setting up your authenticator app again")
    if not device.verify_token(_normalise(code)):
        raise ValidationError({"code": "The code is not right. Check the time on your phone, then enter the new code"})
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new single-use recovery codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]  # 10 hex characters each
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


class CodeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def two_factor_verify(*, user: User, code: str) -> None:
    """Check a code from the person's app, or one of their recovery codes (which then stops working). After
    a wrong code django-otp makes the device wait, longer each time, before it will check another."""
    token = _normalise(code)
    if not token:
        raise CodeRefused("Enter the 6-digit code from your authenticator app, or a recovery code")
    # An app's code is 6 digits; a recovery code is 10 characters (shown with a dash in the middle).
    is_app_code = token.isdigit() and len(token) <= 8
    with transaction.atomic():  # committed whatever the outcome, so that a wrong code counts
        devices = TOTPDevice.objects if is_app_code else StaticDevice.objects
        device = devices.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            outcome = "wrong"
        elif not device.verify_is_allowed()[0]:
            outcome = "throttled"
        else:
            outcome = "right" if device.verify_token(token) else "wrong"
    if outcome == "throttled":
        raise CodeRefused("You have entered too many wrong codes. Wait a minute, then try again")
    if outcome == "wrong":
        raise CodeRefused(
            "The code is not right. Enter the code your app shows now"
            if is_app_code
            else "That recovery code is not right, or has been used"
        )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_turn_off(*, user: User) -> None:
    if two_factor_required(user):
        raise PermissionDenied("You must use two-factor authentication, so it cannot be turned off")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def organisation_two_factor_set(*, organisation: Organisation, user: User, required: bool) -> None:
    """An organisation administrator requires two-factor authentication of everyone in the council (each
    member is asked to set it up the next time they sign in), or stops requiring it."""
    require(user=user, organisation=organisation, action=Can.MANAGE_MEMBERS)
    Organisation.objects.filter(pk=organisation.pk).update(requires_two_factor=required)
    organisation.requires_two_factor = required
