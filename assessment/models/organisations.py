from django.conf import settings
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


class Invitation(models.Model):
    """An invitation to join a council. The link works once and expires; only a hash of its token is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.OFFICER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


class SupportKind(models.TextChoices):
    DETAILS_CHANGED = "details_changed", "Changed the council's details"
    ADMINISTRATOR_INVITED = "administrator_invited", "Invited an organisation administrator"


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
