"""Two-factor authentication: required for platform administrators (and so bank editors), required for every
member of a council that asks for it, optional for everyone else."""

import re

import pytest
from django.urls import reverse

from assessment.models import Membership
from tests.factories import MembershipFactory
from tests.two_factor import authenticator_for, code_now, sign_in_with_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def sign_in_with_password(client, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def set_up_app(client) -> list[str]:
    """Scan (read the key from the page), type the app's code: returns the recovery codes shown."""
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert 'aria-label="QR code to scan with your authenticator app"' in page
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(confirmed=False)
    assert base64.b32encode(device.bin_key).decode().rstrip("=") == key
    response = client.post(reverse("two_factor_setup"), {"code": code_now(device)})
    assert response.status_code == 200
    return re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", response.content.decode())


def test_a_platform_administrator_must_set_up_an_app_before_anything_else(client, platform_admin):
    sign_in_with_password(client, platform_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup")) and "next=/admin/" in response.url
    page = client.get(response.url).content.decode()
    assert "You must sign in with a code from an authenticator app" in page
    assert "Administration" not in page and "Sign out" in page  # only signing out is offered meanwhile

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not through

    codes = set_up_app(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("admin:index")).status_code == 200


def test_after_the_password_someone_with_an_app_enters_its_code_and_goes_on_to_the_page_they_asked_for(client, council):
    officer = council.officer
    device = authenticator_for(officer)
    sign_in_with_password(client, officer)
    response = client.get(reverse("dashboard"))
    assert response.url == f"{reverse('two_factor_verify')}?next=/"
    assert client.post(reverse("answer_autosave", args=[1])).status_code == 302  # nothing else is reachable

    refused = client.post(reverse("two_factor_verify"), {"code": "123456", "next": "/"})
    assert "The code is not right" in refused.content.decode()
    # Wrong codes make the app's device wait before it checks another, even a right one.
    throttled = client.post(reverse("two_factor_verify"), {"code": code_now(device), "next": "/"})
    assert "too many wrong codes" in throttled.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    accepted = client.post(reverse("two_factor_verify"), {"code": code_now(device), "next": "/"})
    assert accepted.status_code == 302 and accepted.url == "/"
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize("next_url", ["foo", "logout"])
def test_the_code_page_goes_to_the_dashboard_when_next_is_not_an_address(client, council, next_url):
    officer = council.officer
    device = authenticator_for(officer)
    sign_in_with_password(client, officer)

    accepted = client.post(reverse("two_factor_verify"), {"code": code_now(device), "next": next_url})
    again = client.get(reverse("two_factor_verify"), {"next": next_url})  # already past the code

    assert accepted.url == reverse("dashboard") and again.url == reverse("dashboard")


def test_a_code_cannot_be_used_twice(client, council):
    officer = council.officer
    device = authenticator_for(officer)
    code = code_now(device)
    sign_in_with_password(client, officer)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, officer)
    again = client.post(reverse("two_factor_verify"), {"code": code})
    assert again.status_code == 200 and "The code is not right" in again.content.decode()


def test_a_recovery_code_signs_in_once(client, platform_admin):
    sign_in_with_password(client, platform_admin)
    codes = set_up_app(client)
    client.post(reverse("logout"))

    sign_in_with_password(client, platform_admin)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0].upper()}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, platform_admin)
    used = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "That recovery code is not right, or has been used" in used.content.decode()


def test_a_council_can_require_two_factor_of_all_its_members(client, council):
    admin = MembershipFactory(organisation=council.organisation, role=Membership.Role.ORGANISATION_ADMIN).user
    # A lead cannot change it; an organisation administrator can.
    client.force_login(council.lead)
    url = reverse("organisation_two_factor", args=[council.organisation.pk])
    assert client.post(url, {"required": "on"}).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("team", args=[council.organisation.pk])).content.decode()
    assert "People choose whether to sign in with a code" in page
    client.post(url, {"required": "on"})
    council.organisation.refresh_from_db()
    assert council.organisation.requires_two_factor

    # The officer is asked to set it up the next time they sign in, and cannot turn it off.
    client.post(reverse("logout"))
    sign_in_with_password(client, council.officer)
    assert client.get(reverse("dashboard")).url.startswith(reverse("two_factor_setup"))
    set_up_app(client)
    security = client.get(reverse("sign_in_security")).content.decode()
    assert "cannot be turned off" in security
    client.post(reverse("sign_in_security"), {"action": "turn_off"})
    assert authenticator_for(council.officer).pk  # still there


def test_anyone_may_turn_two_factor_on_and_off_when_it_is_not_required(client, council):
    lead = council.lead
    sign_in_with_password(client, lead)
    assert client.get(reverse("dashboard")).status_code == 200  # not required: straight in
    assert "Off. You sign in with your password only" in client.get(reverse("sign_in_security")).content.decode()
    set_up_app(client)
    assert "On. You sign in with your password and a code" in client.get(reverse("sign_in_security")).content.decode()
    client.post(reverse("sign_in_security"), {"action": "turn_off"})
    assert "Off." in client.get(reverse("sign_in_security")).content.decode()


def test_new_recovery_codes_replace_the_old_ones(client, platform_admin):
    sign_in_with_code(client, platform_admin)
    page = client.post(reverse("sign_in_security"), {"action": "new_codes"}).content.decode()
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", page)
    assert len(codes) == 10
    newer = client.post(reverse("sign_in_security"), {"action": "new_codes"}).content.decode()
    assert not set(codes) & set(re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", newer))
    assert "The recovery codes you had before no longer work." in newer


def test_a_first_app_s_recovery_codes_do_not_warn_of_codes_the_person_never_had(client, platform_admin):
    sign_in_with_password(client, platform_admin)
    page = client.get(reverse("two_factor_setup")).content.decode()
    key = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page)
    assert key is not None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = client.post(reverse("two_factor_setup"), {"code": code_now(TOTPDevice.objects.get(confirmed=False))})
    assert "Save your recovery codes" in response.content.decode()
    assert "no longer work" not in response.content.decode()


def test_support_can_remove_a_lost_app_but_never_see_its_secret(client, council, platform_admin):
    device = authenticator_for(council.officer)
    sign_in_with_code(client, platform_admin)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert council.officer.email in page and device.key not in page
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not type(device).objects.filter(pk=device.pk).exists()
