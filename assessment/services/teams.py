"""Council teams: invitations, roles and removals, made by the council's organisation administrators."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from assessment.models import EMAIL_MAX_LENGTH, Invitation, Membership, Organisation, SupportEvent, User
from assessment.services.permissions import Can, require
from assessment.services.queue import tasks_run_inline

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, invited_by: User, email: str, role: str, base_url: str
) -> Invitation:
    """Invite someone, and queue the email with the link (sent once this transaction has committed, so a
    failing mail server cannot undo the invitation, and an invitation rolled back is never emailed).

    Organisation administrators invite anyone; leads invite officers and leads, so that nobody can make
    someone an administrator without being one."""
    require(user=invited_by, organisation=organisation, action=Can.INVITE)
    if role == Membership.Role.ORGANISATION_ADMIN:
        require(user=invited_by, organisation=organisation, action=Can.MANAGE_MEMBERS)
    return _invitation_new(organisation=organisation, invited_by=invited_by, email=email, role=role, base_url=base_url)


@transaction.atomic
def invitation_create_first_administrator(
    *, organisation: Organisation, invited_by: User, email: str, base_url: str
) -> Invitation:
    """A platform administrator invites a council's first organisation administrator, who then invites
    everyone else. Only while the council has no administrator (from then on its own administrators decide
    who joins), and recorded on the council's team page."""
    if not invited_by.is_staff:
        raise PermissionDenied("Only platform administrators can invite a council's first administrator")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one such invitation at a time
    if organisation.memberships.filter(role=Membership.Role.ORGANISATION_ADMIN).exists():
        raise ValidationError(
            f"{organisation.name} already has an organisation administrator, who invites people to the council"
        )
    if User.objects.filter(email__iexact=email.strip(), is_staff=True).exists():
        raise ValidationError({"email": "Platform administrators cannot be members of a council"})
    invitation = _invitation_new(
        organisation=organisation,
        invited_by=invited_by,
        email=email,
        role=Membership.Role.ORGANISATION_ADMIN,
        base_url=base_url,
    )
    support_event_record(
        organisation=organisation, actor=invited_by, kind=SupportEvent.Kind.ADMINISTRATOR_INVITED,
        detail=email.strip().lower(),
    )  # fmt: skip
    return invitation


def support_event_record(*, organisation: Organisation, actor: User, kind: str, detail: str = "") -> SupportEvent:
    """Record something a platform administrator did to a council, for the council to see."""
    return SupportEvent.objects.create(organisation=organisation, actor=actor, kind=kind, detail=detail[:500])


def _invitation_new(
    *, organisation: Organisation, invited_by: User, email: str, role: str, base_url: str
) -> Invitation:
    email = email.strip().lower()
    if not email or len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError({"email": f"Enter an email address of {EMAIL_MAX_LENGTH} characters or fewer"})
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose a role"})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation.name}"})
    # One waiting invitation a person: a second would email a second link (a button pressed twice, or two
    # colleagues inviting the same person). The council's row is locked so that two at once cannot both pass.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    waiting = Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if waiting is not None:
        sent = formats.date_format(timezone.localtime(waiting.created_at), "j F Y")
        raise ValidationError(
            {"email": f"{email} already has an invitation waiting, sent on {sent}. To email it again, use “Send again” "
             "in the council's list of invitations"}
        )  # fmt: skip
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash(secrets.token_urlsafe(32)),  # replaced by the link that is emailed
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    _email_queue(invitation=invitation, base_url=base_url)
    return invitation


def invitation_link_new(*, invitation: Invitation, base_url: str) -> str:
    """A new link for the invitation, which replaces any earlier one (only a hash of its token is kept)."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=_hash(token))
    return base_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})


@transaction.atomic
def invitation_link_for_inviter(*, invitation: Invitation, user: User, base_url: str) -> str:
    """A new link for the person inviting to send themselves, when email does not reach the invitee. Any link
    emailed before stops working, and an email still waiting to be tried again is not sent (its link would
    replace this one)."""
    locked = _pending_locked(invitation=invitation, user=user)
    if locked.email_status == Invitation.Email.SENDING:
        locked.email_status = Invitation.Email.FAILED
        locked.save(update_fields=["email_status"])
    return invitation_link_new(invitation=locked, base_url=base_url)


@transaction.atomic
def invitation_email_resend(*, invitation: Invitation, user: User, base_url: str) -> Invitation:
    """Email a pending invitation again, with a new link, for example after the mail server was down."""
    locked = _pending_locked(invitation=invitation, user=user)
    locked.email_status, locked.email_attempts = Invitation.Email.SENDING, 0
    locked.save(update_fields=["email_status", "email_attempts"])
    _email_queue(invitation=locked, base_url=base_url)
    return locked


def _pending_locked(*, invitation: Invitation, user: User) -> Invitation:
    """The invitation, locked, if this person may invite and it can still be accepted."""
    require(user=user, organisation=invitation.organisation, action=Can.INVITE)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not _is_pending(locked):
        raise ValidationError("This invitation has been accepted or has expired. Invite them again instead.")
    return locked


def _is_pending(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > timezone.now()


def _email_queue(*, invitation: Invitation, base_url: str) -> None:
    from assessment.tasks import invitation_email_task

    # After commit: the queue may be the database (the task row then commits with the invitation anyway), or
    # inline, where sending inside the transaction would hold it open for the mail server.
    transaction.on_commit(
        lambda: invitation_email_task.enqueue(
            invitation_id=invitation.pk, base_url=base_url, attempt=invitation.email_attempts
        ),
        robust=True,
    )


# A failed send is tried again after 1, 2, 4 and 8 minutes, where a worker runs the queue.
EMAIL_ATTEMPTS = 5


def invitation_email_deliver(*, invitation_id: int, base_url: str, attempt: int = 0) -> None:
    """Email a pending invitation with a new link. Records whether it went; a failure (the mail server down)
    is tried again later, with backoff, where tasks run on a worker, and otherwise shown on the team page with
    "Send again".

    `attempt` is how many tries came before this one. A task overtaken since it was queued ("Send again", a link
    the inviter took, or another try) finds a different count and does nothing, so nobody gets a second email
    whose link silently replaces the first."""
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        email_status=Invitation.Email.SENDING,
        email_attempts=attempt,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(email_attempts=attempt + 1)
    if not claimed:
        return
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    link = invitation_link_new(invitation=invitation, base_url=base_url)
    sent = invitation_email_send(
        organisation=invitation.organisation, invited_by=invitation.invited_by, email=invitation.email,
        role=invitation.role, link=link, expires_at=invitation.expires_at,
    )  # fmt: skip
    attempts = attempt + 1
    if sent:
        Invitation.objects.filter(pk=invitation.pk).update(
            email_status=Invitation.Email.SENT, emailed_at=timezone.now()
        )
        return
    retry = attempts < EMAIL_ATTEMPTS and not tasks_run_inline()
    if not retry:
        Invitation.objects.filter(pk=invitation.pk).update(email_status=Invitation.Email.FAILED)
        return
    from assessment.tasks import invitation_email_task

    later = timezone.now() + timedelta(minutes=2 ** (attempts - 1))
    invitation_email_task.using(run_after=later).enqueue(
        invitation_id=invitation.pk, base_url=base_url, attempt=attempts
    )


def _expiry_text(expires_at: datetime) -> str:
    """ "expires in 7 days, on 3 December 2026": an invitation sent again keeps the date it was first given."""
    days = round((expires_at - timezone.now()).total_seconds() / 86400)
    when = formats.date_format(timezone.localtime(expires_at), "j F Y")
    return f"expires in {days} day{'s' if days != 1 else ''}, on {when}" if days >= 1 else f"expires on {when}"


def invitation_email_send(
    *, organisation: Organisation, invited_by: User | None, email: str, role: str, link: str, expires_at: datetime
) -> bool:
    """Email an invitation link. False (and logged) when the mail server cannot be reached."""
    inviter = invited_by.get_full_name() if invited_by else "Your council"
    try:
        send_mail(
            subject=f"You are invited to {organisation.name}'s digital maturity assessment",
            message=(
                f"{inviter} has invited you to join {organisation.name} on the council digital "
                f"maturity self-assessment as {Membership.Role(role).label.lower()}.\n\n"
                f"Accept the invitation with this link. It works once and {_expiry_text(expires_at)}:\n\n{link}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    except (OSError, SMTPException):
        logger.warning("The invitation email to %s could not be sent", email, exc_info=True)
        return False
    return True


def invitation_get(*, token: str) -> Invitation | None:
    """The invitation for a link, if it is still usable."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, full_name: str = "", password: str = "") -> User:
    """Accept an invitation: as the signed-in person it was sent to, or by creating their account."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if invitation is None or not _is_pending(invitation):
        raise ValidationError("This invitation has expired or has already been used. Ask for a new one.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("You already have an account: sign in first, then open the link again.")
        # The password rules, checked against the new person's own details (email address and name).
        try:
            validate_password(password, user=User(email=invitation.email, full_name=full_name))
        except ValidationError as weak:
            raise ValidationError({"password": weak.messages}) from weak
        user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    elif user.email.lower() != invitation.email.lower():
        raise PermissionDenied("This invitation was sent to a different email address")
    elif user.is_staff:
        raise PermissionDenied("Platform administrators cannot be members of a council")
    Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def _admins_left_after(organisation: Organisation, membership: Membership) -> int:
    return (
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Membership.Role.ORGANISATION_ADMIN)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, changed_by: User) -> Membership:
    require(user=changed_by, organisation=membership.organisation, action=Can.MANAGE_MEMBERS)
    if role not in Membership.Role.values:
        raise ValidationError("Choose a role")
    if (
        membership.role == Membership.Role.ORGANISATION_ADMIN
        and role != Membership.Role.ORGANISATION_ADMIN
        and _admins_left_after(membership.organisation, membership) == 0
    ):
        raise ValidationError("A council needs at least one organisation administrator. Make someone else one first.")
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: User) -> None:
    require(user=removed_by, organisation=membership.organisation, action=Can.MANAGE_MEMBERS)
    if (
        membership.role == Membership.Role.ORGANISATION_ADMIN
        and _admins_left_after(membership.organisation, membership) == 0
    ):
        raise ValidationError("The last organisation administrator cannot be removed. Make someone else one first.")
    membership.delete()
