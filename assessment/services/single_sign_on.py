"""Single sign-on with a council's own identity provider, over OpenID Connect (Microsoft Entra ID, Google
Workspace, or any certified provider).

The flow is the authorisation code flow with PKCE, a nonce and a state, run by Authlib: it reads the
provider's published configuration, and checks the ID token's signature (against the provider's published
keys), issuer, audience, expiry and nonce. What this module adds is the service's own rule for who gets in:

- someone the provider has signed in before is found by the provider's identifier for them (`sub`), and must
  still be a member of the council;
- otherwise, someone with a live invitation to the council for the email address the provider gives joins
  with the invitation's role;
- otherwise, someone whose email address is in one of the council's domains joins as an officer (or, if they
  already have an account and are in the council, is signed in to it);
- anyone else is refused, and told to ask the council for an invitation.

Platform administrators never sign in this way: they use a password and a code from their own app.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from joserfc.errors import JoseError
from requests import RequestException

from assessment.models import (
    EMAIL_MAX_LENGTH,
    Invitation,
    Membership,
    Organisation,
    SingleSignOn,
    SingleSignOnIdentity,
    User,
)

logger = logging.getLogger(__name__)

SCOPES = "openid email profile"
PROVIDER_TIMEOUT_SECONDS = 10
SESSION_ORGANISATION = "sso_organisation"


class SingleSignOnUnavailable(Exception):
    """The council's identity provider could not be reached, or answered with something unusable."""


class SingleSignOnRefused(PermissionDenied):
    """The provider signed the person in, but the service does not let them in (the message says why)."""


@dataclass(frozen=True)
class ProviderIdentity:
    """What the council's provider vouches for, taken from a checked ID token."""

    subject: str
    email: str
    full_name: str


# What a council's provider that cannot be reached, or answers with something other than the standard says, makes
# Authlib raise: the person is told single sign-on is unavailable, never shown a server error.
PROVIDER_FAULTS = (RequestException, ValueError, KeyError, RuntimeError, TypeError, AttributeError, OverflowError)


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def single_sign_on_for_email(email: str) -> SingleSignOn | None:
    """The single sign-on of the council whose email domains include this address's, or else of a council
    that has invited this address, if any."""
    domain = email_domain(email)
    if not domain or "@" not in email:
        return None
    enabled = SingleSignOn.objects.select_related("organisation").filter(is_enabled=True)
    by_domain = next((sso for sso in enabled.filter(email_domains__icontains=domain) if domain in sso.domains), None)
    if by_domain is not None:
        return by_domain
    invited_to = Invitation.objects.filter(
        email__iexact=email.strip(), accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).values("organisation_id")
    return enabled.filter(organisation_id__in=invited_to).order_by("organisation__name").first()


def identity_provider_origins() -> list[str]:
    """Where a sign-in form may send the browser: the origins of councils' providers. (A provider's sign-in
    page is at its issuer's origin: Microsoft Entra ID, Google, and the usual others.)"""
    issuers = SingleSignOn.objects.filter(is_enabled=True).values_list("issuer", flat=True)
    return sorted({"{0.scheme}://{0.netloc}".format(urlsplit(issuer)) for issuer in issuers})


def single_sign_on_get(organisation_id: int | None) -> SingleSignOn | None:
    if organisation_id is None:
        return None
    return SingleSignOn.objects.select_related("organisation").filter(organisation_id=organisation_id).first()


def _client(sso: SingleSignOn) -> DjangoOAuth2App:
    return DjangoOAuth2App(
        DjangoIntegration(f"sso-{sso.organisation_id}"),
        name=f"sso-{sso.organisation_id}",
        client_id=sso.client_id,
        client_secret=sso.client_secret,
        server_metadata_url=sso.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": PROVIDER_TIMEOUT_SECONDS},
    )


def sign_in_redirect(
    *, request: HttpRequest, sso: SingleSignOn, callback_url: str, email: str = ""
) -> HttpResponseRedirect:
    """Send the person to their council's provider. Remembers, in their session, which council they chose and
    the state, nonce and PKCE verifier the answer must match."""
    if not sso.is_enabled:
        raise SingleSignOnRefused(f"{sso.organisation.name} does not use single sign-on at the moment")
    try:
        response = _client(sso).authorize_redirect(request, callback_url, **({"login_hint": email} if email else {}))
    # RuntimeError: Authlib's word for a configuration that names no sign-in page or keys; the rest, for one that
    # is not what the standard says (a list, a number, or a sign-in page that is not a string).
    except (*PROVIDER_FAULTS, OAuthError) as error:
        logger.warning("Single sign-on for %s: the provider's configuration could not be read", sso.organisation)
        raise SingleSignOnUnavailable(str(error)) from error
    request.session[SESSION_ORGANISATION] = sso.organisation_id
    return response


def identity_from_callback(request: HttpRequest) -> tuple[SingleSignOn, ProviderIdentity]:
    """Exchange the provider's answer for a checked identity. The state, the nonce, and the ID token's
    signature, issuer, audience and expiry are all checked; any failure is refused."""
    sso = single_sign_on_get(request.session.pop(SESSION_ORGANISATION, None))
    if sso is None or not sso.is_enabled:
        raise SingleSignOnRefused("Your sign-in did not start from this service, or took too long. Try again.")
    try:
        token = _client(sso).authorize_access_token(request)
    except OAuthError as error:
        if error.error == "access_denied":
            raise SingleSignOnRefused(f"{sso.organisation.name}'s sign-in service did not let you in") from error
        logger.warning("Single sign-on for %s refused: %s", sso.organisation, error)
        raise SingleSignOnRefused("Your sign-in could not be checked. Try again.") from error
    except JoseError as error:
        logger.warning("Single sign-on for %s: the ID token failed its checks: %s", sso.organisation, error)
        raise SingleSignOnRefused("Your sign-in could not be checked. Try again.") from error
    except PROVIDER_FAULTS as error:  # unreachable, or an answer not as the standard says (expires_in: 1e400)
        logger.warning("Single sign-on for %s: the provider could not be reached", sso.organisation)
        raise SingleSignOnUnavailable(str(error)) from error
    claims = token.get("userinfo") or {}
    email = str(claims.get("email") or "")
    if "@" not in email and "@" in str(claims.get("preferred_username") or ""):
        email = str(claims["preferred_username"])  # Microsoft Entra ID sends the sign-in address here
    if claims.get("email_verified") is False:
        email = ""
    email = email.strip().lower()
    if not claims.get("sub") or not email or len(email) > EMAIL_MAX_LENGTH:
        raise SingleSignOnRefused(
            f"{sso.organisation.name}'s sign-in service did not tell us your email address. "
            "Ask your IT team to include it."
        )
    name = str(claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])))
    return sso, ProviderIdentity(subject=str(claims["sub"])[:255], email=email, full_name=name[:150])


@transaction.atomic
def user_for_identity(*, sso: SingleSignOn, identity: ProviderIdentity) -> User:
    """The account a checked identity signs in to, created the first time if the council's rules allow
    (see the module's docstring). Refused with a message the person can act on otherwise."""
    organisation = sso.organisation
    refusal = SingleSignOnRefused(
        f"{identity.email} is not part of {organisation.name} on this service. "
        f"Ask your organisation administrator to invite you."
    )
    linked = (
        SingleSignOnIdentity.objects.select_for_update()
        .select_related("user")
        .filter(organisation=organisation, subject=identity.subject)
        .first()
    )
    if linked is not None:
        if not Membership.objects.filter(user=linked.user, organisation=organisation).exists():
            raise refusal  # removed from the council: the provider alone does not bring them back
        linked.last_signed_in_at = timezone.now()
        linked.save(update_fields=["last_signed_in_at"])
        return linked.user

    user = User.objects.filter(email__iexact=identity.email).first()
    if user is not None and (user.is_staff or not user.is_active):
        raise SingleSignOnRefused("Platform administrators sign in with their password and a code from their app.")
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            organisation=organisation,
            email__iexact=identity.email,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    in_domain = email_domain(identity.email) in sso.domains
    if invitation is None and not in_domain:
        raise refusal
    if user is None:
        user = User.objects.create_user(email=identity.email, password=None, full_name=identity.full_name)
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        role = invitation.role if invitation is not None else Membership.Role.OFFICER
        Membership.objects.create(user=user, organisation=organisation, role=role)
    if invitation is not None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    try:
        with transaction.atomic():
            SingleSignOnIdentity.objects.create(
                organisation=organisation, user=user, subject=identity.subject, last_signed_in_at=timezone.now()
            )
    except IntegrityError as error:
        # The account is already tied to another identity at this provider: someone else's sign-in, not theirs.
        raise SingleSignOnRefused(
            f"Your account is already linked to a different {organisation.name} sign-in. "
            "Ask your organisation administrator for help."
        ) from error
    return user


def single_sign_on_enabled(organisation: Organisation) -> SingleSignOn | None:
    return SingleSignOn.objects.filter(organisation=organisation, is_enabled=True).first()
