import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .users import EMAIL_MAX_LENGTH


class CouncilType(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan_borough", "Metropolitan borough council"
    LONDON_BOROUGH = "london_borough", "London borough council"
    WELSH_PRINCIPAL = "welsh_principal", "Welsh principal council"
    SCOTTISH = "scottish", "Scottish council"

    @property
    def plural(self) -> str:
        """The label of a group of councils of this type, as peer benchmarks name it."""
        return "Unitary authorities" if self == CouncilType.UNITARY else f"{self.label}s"


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Organisation(models.Model):
    """A council taking part in the self-assessment."""

    CouncilType = CouncilType
    Nation = Nation

    name = models.CharField(max_length=200, unique=True)
    council_type = models.CharField(max_length=32, choices=CouncilType.choices)
    nation = models.CharField(max_length=32, choices=Nation.choices)
    region = models.CharField(max_length=100, blank=True)
    requires_two_factor = models.BooleanField(
        default=False, help_text="Everyone in the council must sign in with a code from an authenticator app."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(council_type__in=[c.value for c in CouncilType]),
                name="organisation_council_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(nation__in=[n.value for n in Nation]),
                name="organisation_nation_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    LEAD = "lead", "Lead"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation administrator"


class Membership(models.Model):
    """A person's place in a council, with the role that decides what they may do."""

    Role = Role

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.OFFICER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation"),
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class InvitationEmail(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Invitation(models.Model):
    """An invitation to join a council. The link works once and expires; only a hash of its token is stored.
    Each time the invitation is emailed it gets a new link, so a link exists only in the email it went out in."""

    Email = InvitationEmail

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.OFFICER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    email_status = models.CharField(max_length=16, choices=InvitationEmail.choices, default=InvitationEmail.SENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=models.Q(email_status__in=InvitationEmail.values), name="invitation_email_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


class SupportKind(models.TextChoices):
    DETAILS_CHANGED = "details_changed", "Changed the council's details"
    ADMINISTRATOR_INVITED = "administrator_invited", "Invited an organisation administrator"
    SINGLE_SIGN_ON_CHANGED = "single_sign_on_changed", "Changed the council's single sign-on"


class SupportEvent(models.Model):
    """Something a platform administrator did to a council, shown on the council's team page. Platform
    administrators are not members of councils; this is the record of every way they touch one."""

    Kind = SupportKind

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="support_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SupportKind.values),
                name="supportevent_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.organisation})"


# An identity provider is reached over HTTPS; plain HTTP only on this machine (a provider run for development
# or by the tests).
ISSUER_PREFIXES = ("https://", "http://127.0.0.1:", "http://localhost:")
ISSUER_MAX_LENGTH = 500
DOMAINS_MAX_LENGTH = 1000
DOMAIN_PATTERN = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
# Addresses anyone can get: a council's provider vouching for one of these says nothing about the council.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk",
     "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "btinternet.com", "proton.me", "protonmail.com"}
)  # fmt: skip


class SingleSignOn(models.Model):
    """A council's own identity provider (Microsoft Entra ID, Google Workspace or any OpenID Connect
    provider), through which its people sign in instead of with a password. Set up by a platform
    administrator; the council's team page shows that it is on."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="single_sign_on")
    issuer = models.URLField(
        max_length=ISSUER_MAX_LENGTH,
        help_text="The provider's issuer URL, for example https://login.microsoftonline.com/<tenant id>/v2.0. "
        "Its configuration is read from <issuer>/.well-known/openid-configuration.",
    )
    client_id = models.CharField(max_length=255, help_text="The application (client) ID the provider gave.")
    client_secret = models.CharField(max_length=500, help_text="The client secret the provider gave.")
    email_domains = models.CharField(
        max_length=DOMAINS_MAX_LENGTH,
        help_text="The council's email domains, separated by spaces or commas, for example "
        "tameside.gov.uk. Anyone the provider signs in with one of these gets an account as an officer; "
        "people with other addresses need an invitation.",
    )
    is_enabled = models.BooleanField(default=True, help_text="Untick to go back to email and password.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "single sign-on"
        verbose_name_plural = "single sign-on"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issuer__startswith=ISSUER_PREFIXES[0])
                | models.Q(issuer__startswith=ISSUER_PREFIXES[1])
                | models.Q(issuer__startswith=ISSUER_PREFIXES[2]),
                name="singlesignon_issuer_https",
            ),
            models.CheckConstraint(condition=~models.Q(client_id=""), name="singlesignon_client_id_present"),
        ]

    def __str__(self) -> str:
        return f"Single sign-on for {self.organisation}"

    @property
    def domains(self) -> list[str]:
        return [d for d in self.email_domains.replace(",", " ").lower().split() if d]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.issuer and not self.issuer.startswith(ISSUER_PREFIXES):
            errors["issuer"] = "Enter the provider's issuer URL starting with https://"
        domains = self.domains
        if not domains:
            errors["email_domains"] = "Enter at least one email domain, like tameside.gov.uk"
        elif bad := [d for d in domains if not DOMAIN_PATTERN.match(d)]:
            errors["email_domains"] = f"Enter domains like tameside.gov.uk, without the @: {', '.join(bad)} is not one"
        elif public := [d for d in domains if d in PUBLIC_EMAIL_DOMAINS]:
            errors["email_domains"] = f"{', '.join(public)} is a public email service, not a council's domain"
        else:
            others = SingleSignOn.objects.exclude(organisation_id=self.organisation_id)
            for other in others.select_related("organisation"):
                if shared := set(domains) & set(other.domains):
                    errors["email_domains"] = (
                        f"{', '.join(sorted(shared))} is already used by {other.organisation.name}'s single sign-on"
                    )
                    break
        if errors:
            raise ValidationError(errors)
        self.email_domains = " ".join(domains)


class SingleSignOnIdentity(models.Model):
    """Who a council's identity provider says someone is (its `sub`), tied to their account at first
    sign-in. Later sign-ins find the account by this, not by email, so a changed email address at the
    council does not make a second account."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities")
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "subject"], name="ssoidentity_unique_subject"),
            models.UniqueConstraint(fields=["organisation", "user"], name="ssoidentity_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"
