"""Sign-in and passwords as an attacker would try them: lockouts, limits, weak passwords, long sessions."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from assessment.middleware import SIGNED_IN_AT
from assessment.models import Invitation, Membership
from assessment.services.teams import invitation_create, invitation_link_new
from tests.factories import PASSWORD, MembershipFactory


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_an_account_is_locked_after_five_wrong_passwords_and_the_page_says_for_how_long(client, council):
    for _ in range(5):
        response = sign_in(client, council.officer.email, "wrong-password-guess")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in for 15 minutes" in page and "Wait 15 minutes, then try again." in page
    # Even the right password is refused while the account is locked.
    assert sign_in(client, council.officer.email, PASSWORD).status_code == 429


def test_the_lockout_page_is_the_same_whether_or_not_the_account_exists(client, council):
    for _ in range(5):
        known = sign_in(client, council.officer.email, "wrong-password-guess")
        unknown = sign_in(client, "nobody@nowhere.example", "wrong-password-guess")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_a_right_password_after_a_few_mistakes_signs_in_and_clears_the_count(client, council):
    for _ in range(3):
        sign_in(client, council.officer.email, "wrong-password-guess")
    assert sign_in(client, council.officer.email, PASSWORD).url == reverse("dashboard")


def test_sign_in_attempts_from_one_address_are_limited(client, settings, council, other_council):
    settings.SIGN_IN_RATE_PER_ADDRESS = "4/15m"
    emails = [council.officer.email, council.lead.email, other_council.officer.email, other_council.lead.email]
    for email in emails:  # one wrong guess at each of four accounts: no account is locked...
        assert sign_in(client, email, "wrong-password-guess").status_code == 200
    response = sign_in(client, "fifth@council.example", "wrong-password-guess")  # ...but the address is limited
    assert response.status_code == 429 and "You have tried too many times" in response.content.decode()


def test_the_admin_site_signs_in_through_the_same_door(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.url == f"{reverse('login')}?next=/admin/"


def test_the_admin_sign_in_passes_on_its_next_address_as_one_value(client):
    response = client.get("/admin/login/", {"next": "/admin/?a=1&next=https://evil.example/"})

    assert response.url == f"{reverse('login')}?next=/admin/%3Fa%3D1%26next%3Dhttps%3A//evil.example/"


def test_password_reset_requests_are_limited_per_email_address(client, settings, council):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "3/h"
    for _ in range(3):
        assert client.post(reverse("password_reset"), {"email": council.officer.email}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": council.officer.email})
    assert response.status_code == 429
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "password1234", "123456789012", "invitee@council.example", "Pat Invitee 2026"],
)
def test_weak_passwords_are_refused_when_accepting_an_invitation(client, council, password):
    admin = MembershipFactory(organisation=council.organisation, role="organisation_admin").user
    invitation = invitation_create(
        organisation=council.organisation, invited_by=admin, email="invitee@council.example", role="officer",
        base_url="http://testserver/",
    )  # fmt: skip
    link = invitation_link_new(invitation=invitation, base_url="http://testserver/")
    path = link.removeprefix("http://testserver")
    response = client.post(path, {"full_name": "Pat Invitee", "password1": password, "password2": password})
    assert response.status_code == 400
    assert not Membership.objects.filter(user__email="invitee@council.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_weak_passwords_are_refused_on_reset(client, council):
    client.post(reverse("password_reset"), {"email": council.officer.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line)
    form_url = client.get(link.split("testserver", 1)[1]).url
    email = council.officer.email
    response = client.post(form_url, {"new_password1": email, "new_password2": email})
    assert response.status_code == 200 and "too similar to the email address" in response.content.decode()


def test_sessions_end_after_idle_time_and_after_a_long_day(client, settings, council):
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # renewed by activity, at most once a minute
    client.force_login(council.officer)
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 13 * 60 * 60
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.url == f"{reverse('login')}?next=/"
    assert client.get(reverse("dashboard")).status_code == 302  # signed out for good


def test_signed_in_pages_are_never_cached_and_browser_features_are_off(client, council):
    client.force_login(council.officer)
    response = client.get(reverse("dashboard"))
    assert response["Cache-Control"] == "no-store"
    assert "camera=()" in response["Permissions-Policy"]
    anonymous = client.__class__().get(reverse("login"))
    assert "Permissions-Policy" in anonymous
