"""Signing in with a council's own identity provider, against a real OpenID Provider run on loopback by the
tests (django-oauth-toolkit's, in its own process): discovery, the authorisation code flow with PKCE, and the
ID token's signature checked against the provider's published keys."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Invitation, Membership, SingleSignOn, SingleSignOnIdentity, SupportEvent, User
from assessment.services.teams import invitation_create, invitation_link_new
from tests.factories import MembershipFactory, UserFactory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, provider_sign_in
from tests.two_factor import sign_in_with_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso(council, oidc_provider) -> SingleSignOn:
    return SingleSignOn.objects.create(
        organisation=council.organisation,
        issuer=oidc_provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains="exampleshire.gov.uk",
    )


def _start(client, email: str, next_url: str = ""):
    return client.post(reverse("sso_start"), {"email": email, "next": next_url})


def sign_in_with_council_account(client, email: str, next_url: str = "", *, at_provider_as: str = ""):
    """The whole journey: the service's start page, the provider's sign-in page (as `at_provider_as` if the
    person signs in there with another account), and back to the service."""
    response = _start(client, email, next_url)
    assert response.status_code == 302, response.content.decode()
    callback = provider_sign_in(response["Location"], at_provider_as or email)
    assert callback.startswith("http://testserver/accounts/single-sign-on/callback/")
    return client.get(callback.removeprefix("http://testserver"))


def test_someone_in_the_councils_domain_gets_an_officer_account_on_first_sign_in(client, sso, council):
    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get(email="new.officer@exampleshire.gov.uk")
    assert user.full_name == "Nia Officer"
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organisation == council.organisation
    assert Membership.objects.get(user=user).role == Membership.Role.OFFICER
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200 and council.organisation.name in page.content.decode()


def test_the_authorisation_request_uses_pkce_a_nonce_and_the_persons_email_as_a_hint(client, sso):
    query = parse_qs(urlparse(_start(client, "new.officer@exampleshire.gov.uk")["Location"]).query)

    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    assert query["login_hint"] == ["new.officer@exampleshire.gov.uk"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_signing_in_again_finds_the_same_account(client, sso):
    sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")
    client.post(reverse("logout"))

    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 302
    assert User.objects.filter(email="new.officer@exampleshire.gov.uk").count() == 1
    identity = SingleSignOnIdentity.objects.get()
    assert identity.user.email == "new.officer@exampleshire.gov.uk" and identity.last_signed_in_at is not None


def test_an_invited_person_from_another_domain_joins_with_their_invitations_role(client, sso, council):
    invitation = Invitation.objects.create(
        organisation=council.organisation, email="invited.lead@partner.example", role=Membership.Role.LEAD,
        token_hash="x" * 64, expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip

    response = sign_in_with_council_account(client, "invited.lead@partner.example")

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="invited.lead@partner.example")
    assert membership.organisation == council.organisation and membership.role == Membership.Role.LEAD
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_someone_neither_invited_nor_in_the_councils_domain_is_refused_and_told_what_to_do(client, sso):
    # The council's provider also holds accounts outside its domains (contractors, say): one signs in there.
    response = sign_in_with_council_account(
        client, "new.officer@exampleshire.gov.uk", at_provider_as="stranger@elsewhere.example"
    )

    assert response.status_code == 403
    assert "Ask your organisation administrator to invite you" in response.content.decode()
    assert not User.objects.filter(email="stranger@elsewhere.example").exists()
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in


def test_an_existing_member_with_a_password_signs_in_to_their_own_account(client, sso, council):
    existing = MembershipFactory(
        organisation=council.organisation, user=UserFactory(email="existing.officer@exampleshire.gov.uk")
    ).user

    response = sign_in_with_council_account(client, "existing.officer@exampleshire.gov.uk")

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="existing.officer@exampleshire.gov.uk").count() == 1
    assert SingleSignOnIdentity.objects.get().user == existing
    assert int(client.session["_auth_user_id"]) == existing.pk


def test_someone_removed_from_the_council_is_not_let_back_in_by_the_provider(client, sso):
    sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")
    client.post(reverse("logout"))
    Membership.objects.filter(user__email="new.officer@exampleshire.gov.uk").delete()

    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="new.officer@exampleshire.gov.uk").exists()


def test_the_person_returns_to_the_page_they_asked_for(client, sso, assessment):
    page = reverse("assessment_task_list", kwargs={"pk": assessment.pk})

    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk", next_url=page)

    assert response["Location"] == page


def test_a_next_address_on_another_site_is_ignored(client, sso):
    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk", "https://evil.example/")

    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize("next_url", ["dashboard", "logout", "admin_sign_in", "\U0001f600"])
def test_a_next_value_that_is_not_an_address_is_ignored(client, sso, next_url):
    """A bare word is not taken as the name of a page (a redirect there would sign out, or fail as a 500)."""
    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk", next_url)

    assert response["Location"] == reverse("dashboard")


def test_the_councils_own_provider_stands_in_for_the_services_second_factor(client, sso, council):
    council.organisation.requires_two_factor = True
    council.organisation.save()

    sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")

    assert client.get(reverse("dashboard")).status_code == 200


def test_a_callback_that_did_not_start_here_is_refused(client, sso):
    response = client.get(reverse("sso_callback"), {"code": "made-up", "state": "made-up"})

    assert response.status_code == 403
    assert "did not start from this service" in response.content.decode()


def test_a_callback_whose_state_does_not_match_is_refused(client, sso):
    callback = provider_sign_in(
        _start(client, "new.officer@exampleshire.gov.uk")["Location"], "new.officer@exampleshire.gov.uk"
    )
    query = parse_qs(urlparse(callback).query)

    response = client.get(reverse("sso_callback"), {"code": query["code"][0], "state": "forged-state"})

    assert response.status_code == 403
    assert not User.objects.filter(email="new.officer@exampleshire.gov.uk").exists()


def test_a_wrong_client_secret_is_refused_by_the_provider_and_the_person_told(client, sso):
    sso.client_secret = "not-the-secret"
    sso.save()

    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert not User.objects.filter(email="new.officer@exampleshire.gov.uk").exists()


def test_a_provider_that_is_down_gets_a_clear_page_not_an_error(client, sso):
    sso.issuer = "http://127.0.0.1:9/o"  # the discard port: nothing listens
    sso.save()

    response = _start(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 503
    assert "sign-in service is not responding" in response.content.decode()


def test_an_email_whose_council_has_no_single_sign_on_is_told_to_use_a_password(client, sso):
    response = _start(client, "someone@othertown.gov.uk")

    assert response.status_code == 400
    assert "has not set up single sign-on" in response.content.decode()


def test_platform_administrators_cannot_sign_in_through_a_councils_provider(client, sso):
    UserFactory(email="new.officer@exampleshire.gov.uk", is_staff=True)

    response = sign_in_with_council_account(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 403
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_turned_off_single_sign_on_is_not_offered(client, sso):
    sso.is_enabled = False
    sso.save()

    assert _start(client, "new.officer@exampleshire.gov.uk").status_code == 400


def test_an_invited_person_accepts_with_their_council_account_from_the_invitation_page(client, sso, council):
    invitation = invitation_create(
        organisation=council.organisation, invited_by=council.lead, email="invited.lead@partner.example",
        role=Membership.Role.LEAD, base_url="http://testserver/",
    )  # fmt: skip
    link = invitation_link_new(invitation=invitation, base_url="http://testserver/")
    page = client.get(link.removeprefix("http://testserver"))
    assert "Accept with your council account" in page.content.decode()

    response = client.post(reverse("sso_start"), {"email": "invited.lead@partner.example"})
    callback = provider_sign_in(response["Location"], "invited.lead@partner.example")
    client.get(callback.removeprefix("http://testserver"))

    assert Membership.objects.get(user__email="invited.lead@partner.example").role == Membership.Role.LEAD


# Setting it up: platform administrators, in the admin, on the council's page.


def _organisation_form(organisation, **single_sign_on) -> dict:
    data = {
        "name": organisation.name, "council_type": organisation.council_type, "nation": organisation.nation,
        "region": organisation.region, "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "single_sign_on-TOTAL_FORMS": "1", "single_sign_on-INITIAL_FORMS": "0",
    }  # fmt: skip
    existing = SingleSignOn.objects.filter(organisation=organisation).first()
    if existing is not None:
        data |= {"single_sign_on-INITIAL_FORMS": "1", "single_sign_on-0-id": existing.pk}
    data |= {f"single_sign_on-0-{name}": value for name, value in single_sign_on.items()}
    data["single_sign_on-0-organisation"] = organisation.pk
    return data


SET_UP = {
    "issuer": "https://login.microsoftonline.com/0000-tenant/v2.0",
    "client_id": "an-application-id",
    "client_secret": "the-secret-from-entra",
    "email_domains": "Exampleshire.gov.uk, exampleshire-council.gov.uk",
    "is_enabled": "on",
}


def test_a_platform_administrator_sets_up_single_sign_on_and_the_council_sees_it(client, council, platform_admin):
    sign_in_with_code(client, platform_admin)
    url = reverse("admin:assessment_organisation_change", args=[council.organisation.pk])

    response = client.post(url, _organisation_form(council.organisation, **SET_UP))

    assert response.status_code == 302, response.content.decode()[:3000]
    sso = SingleSignOn.objects.get(organisation=council.organisation)
    assert sso.domains == ["exampleshire.gov.uk", "exampleshire-council.gov.uk"]
    assert sso.client_secret == "the-secret-from-entra"
    assert "the-secret-from-entra" not in client.get(url).content.decode()  # written, never shown
    event = SupportEvent.objects.get(organisation=council.organisation)
    assert event.kind == SupportEvent.Kind.SINGLE_SIGN_ON_CHANGED

    # Saving again with the secret left blank keeps it.
    response = client.post(url, _organisation_form(council.organisation, **(SET_UP | {"client_secret": ""})))
    assert response.status_code == 302
    sso.refresh_from_db()
    assert sso.client_secret == "the-secret-from-entra"

    admin_member = MembershipFactory(organisation=council.organisation, role=Membership.Role.ORGANISATION_ADMIN).user
    client.force_login(admin_member)
    team = client.get(reverse("team", args=[council.organisation.pk])).content.decode()
    assert "Changed the council&#x27;s single sign-on" in team
    assert "exampleshire.gov.uk, exampleshire-council.gov.uk" in team


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issuer", "http://login.example.com/", "starting with https://"),
        ("email_domains", "@exampleshire.gov.uk", "without the @"),
        ("email_domains", "gmail.com", "public email service"),
        ("email_domains", "othertown.gov.uk", "already used by Othertown District Council"),
        ("client_secret", "", "Enter the client secret"),
    ],
)
def test_a_set_up_that_would_let_the_wrong_people_in_is_refused_with_a_reason(
    client, council, other_council, platform_admin, field, value, message
):
    SingleSignOn.objects.create(
        organisation=other_council.organisation, issuer="https://accounts.google.com", client_id="other",
        client_secret="other", email_domains="othertown.gov.uk",
    )  # fmt: skip
    sign_in_with_code(client, platform_admin)
    url = reverse("admin:assessment_organisation_change", args=[council.organisation.pk])

    response = client.post(url, _organisation_form(council.organisation, **(SET_UP | {field: value})))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SingleSignOn.objects.filter(organisation=council.organisation).exists()


@pytest.fixture
def broken_provider(request):
    """A provider that answers its discovery address with a configuration that names no endpoints, or with the
    JSON given as the test's parameter."""
    body = getattr(request, "param", b'{"issuer": "http://127.0.0.1"}')
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - the standard library's name
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/o"
    server.shutdown()


def test_a_provider_with_an_incomplete_configuration_gets_a_clear_page_not_an_error(client, sso, broken_provider):
    sso.issuer = broken_provider
    sso.save()

    response = _start(client, "new.officer@exampleshire.gov.uk")

    assert response.status_code == 503
    assert "sign-in service is not responding" in response.content.decode()


@pytest.mark.parametrize(
    "broken_provider", [b"[]", b"null", b'"x"', b"5", b'{"authorization_endpoint": 5, "jwks_uri": []}'], indirect=True
)
def test_a_provider_whose_configuration_is_not_an_openid_one_gets_a_clear_page(client, sso, broken_provider):
    # Each was a TypeError or AttributeError inside Authlib, and a 500.
    sso.issuer = broken_provider
    sso.save()
    response = _start(client, "new.officer@exampleshire.gov.uk")
    assert response.status_code == 503
    assert "sign-in service is not responding" in response.content.decode()


def test_a_token_answer_out_of_range_gets_a_clear_page(client, sso, monkeypatch):
    # A token response with "expires_in": 1e400 made Authlib raise OverflowError: a 500.
    from authlib.integrations.django_client import DjangoOAuth2App

    from assessment.services.single_sign_on import SESSION_ORGANISATION

    def overflowing(self, request, **kwargs):
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(DjangoOAuth2App, "authorize_access_token", overflowing)
    session = client.session
    session[SESSION_ORGANISATION] = sso.organisation_id
    session.save()
    response = client.get(reverse("sso_callback") + "?code=abc&state=xyz")
    assert response.status_code == 503
