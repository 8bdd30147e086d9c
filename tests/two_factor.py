"""Signing in as someone who uses two-factor authentication, the way they do: a real authenticator app (a
TOTP device with a known key) and its current code typed on the code page."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex


def authenticator_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", key=random_hex(20), confirmed=True)


def code_now(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def sign_in_with_code(client, user) -> None:
    """Password (force_login), then the code from the person's app. Each sign-in uses a fresh code time step,
    since django-otp refuses a code that has already been used."""
    device = authenticator_for(user)
    client.force_login(user)
    for steps_ahead in (0, 1, -1):
        response = client.post(reverse("two_factor_verify"), {"code": code_now(device, steps_ahead)})
        if response.status_code == 302:
            return
    raise AssertionError("The authenticator code was refused")
