"""Who may do what in a council: one policy, enforced by every service that does the thing, and reused by
views and templates to decide what to offer.

`POLICY` is the table of role × action; docs/security.md shows the same table, and a test checks that the two
agree. Services call `require`; views call `allowed_on_page` once per page and pass the set to their templates.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from assessment.models import Membership, Organisation, User

Role = Membership.Role


class Can(StrEnum):
    """Things a member of a council can do."""

    VIEW = "view"  # see the council's assessments, results and reports
    ANSWER = "answer"  # answer, confirm carried-forward answers, add and remove evidence items, submit
    ASSIGN_THEMES = "assign_themes"
    SET_TARGETS = "set_targets"
    REVIEW = "review"  # accept or return themes, see an answer's history
    SIGN_OFF = "sign_off"  # sign off, and reopen with a reason
    START_NEXT_CYCLE = "start_next_cycle"
    MANAGE_ACTIONS = "manage_actions"  # take on recommendations as actions and update their status
    INVITE = "invite"  # invite officers and leads
    MANAGE_MEMBERS = "manage_members"  # invite administrators, change roles, remove members


EVERYONE = frozenset(Role)
LEADS = frozenset({Role.LEAD})
ADMINS = frozenset({Role.ORGANISATION_ADMIN})

POLICY: dict[Can, frozenset[str]] = {
    Can.VIEW: EVERYONE,
    Can.ANSWER: EVERYONE,
    Can.ASSIGN_THEMES: LEADS,
    Can.SET_TARGETS: LEADS,
    Can.REVIEW: LEADS,
    Can.SIGN_OFF: LEADS,
    Can.START_NEXT_CYCLE: LEADS,
    Can.MANAGE_ACTIONS: LEADS,
    Can.INVITE: LEADS | ADMINS,
    Can.MANAGE_MEMBERS: ADMINS,
}

NOT_A_MEMBER = "You are not a member of this council"
REFUSALS = {
    Can.ASSIGN_THEMES: "Only the council's lead can assign themes",
    Can.SET_TARGETS: "Only the council's lead can set targets",
    Can.REVIEW: "Only the council's lead can review an assessment",
    Can.SIGN_OFF: "Only the council's lead can sign off or reopen an assessment",
    Can.START_NEXT_CYCLE: "Only the council's lead can start the next assessment",
    Can.MANAGE_ACTIONS: "Only the council's lead can manage actions",
    Can.INVITE: "Only the council's leads and organisation administrators can invite people",
    Can.MANAGE_MEMBERS: "Only the council's organisation administrators can change who is in the team",
}


def role_allows(role: str | None, action: Can) -> bool:
    return role is not None and role in POLICY[action]


def membership_get(*, user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def _actions(membership: Membership | None) -> frozenset[Can]:
    return frozenset(action for action in Can if membership and role_allows(membership.role, action))


def allowed(*, user: User, organisation: Organisation) -> frozenset[Can]:
    """Everything this person may do in this council (nothing for a non-member). One query."""
    return _actions(membership_get(user=user, organisation=organisation))


def memberships_for_request(request: HttpRequest) -> dict[int, Membership]:
    """The signed-in person's memberships by council id, each with its council, in council name order: read once
    a request and shared by the header's Team links and the page's `allowed_on_page`."""
    memberships = getattr(request, "_memberships", None)
    if memberships is None:
        user = getattr(request, "user", None)
        memberships = (
            {
                m.organisation_id: m
                for m in Membership.objects.filter(user=user)
                .select_related("organisation")
                .order_by("organisation__name", "organisation_id")
            }
            if user is not None and user.is_authenticated
            else {}
        )
        request._memberships = memberships  # type: ignore[attr-defined]
    return memberships


def allowed_on_page(request: HttpRequest, organisation: Organisation) -> frozenset[Can]:
    """What to offer on a page: `allowed` for the signed-in person, from the request's memberships. The services
    behind each offer still check for themselves when it is used."""
    return _actions(memberships_for_request(request).get(organisation.id))


def require_on_page(request: HttpRequest, organisation: Organisation, action: Can) -> None:
    """`require` for a view, from the memberships the request has read (`memberships_for_request`): the same
    check, without reading the person's membership a second time."""
    membership = memberships_for_request(request).get(organisation.id)
    require_role(role=membership.role if membership is not None else None, action=action)


def can(*, user: User, organisation: Organisation, action: Can) -> bool:
    return action in allowed(user=user, organisation=organisation)


def require_role(*, role: str | None, action: Can) -> None:
    """PermissionDenied unless a member with this role (None: not a member) may do `action`. For a service that
    has read the person's role itself, in the same query as something else."""
    if role is None:
        raise PermissionDenied(NOT_A_MEMBER)
    if not role_allows(role, action):
        raise PermissionDenied(REFUSALS.get(action, "Your role in this council does not allow this"))


def require(*, user: User, organisation: Organisation, action: Can) -> Membership:
    """The person's membership of the council, if their role allows `action`; PermissionDenied otherwise."""
    membership = membership_get(user=user, organisation=organisation)
    if membership is None:
        raise PermissionDenied(NOT_A_MEMBER)
    require_role(role=membership.role, action=action)
    return membership
