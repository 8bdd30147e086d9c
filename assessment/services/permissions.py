"""Who may do what in a council. Every check is made on the server, in the service that does the thing."""

from django.core.exceptions import PermissionDenied

from assessment.models import Membership, Organisation, User

Role = Membership.Role
LEADS = frozenset({Role.LEAD})
ADMINS = frozenset({Role.ORGANISATION_ADMIN})


def membership_require(*, user: User, organisation: Organisation, roles: frozenset[str] | None = None) -> Membership:
    """The user's membership of the council, with one of `roles` if given; PermissionDenied otherwise."""
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise PermissionDenied("You are not a member of this council")
    if roles is not None and membership.role not in roles:
        names = " or ".join(sorted(Role(role).label.lower() for role in roles))
        raise PermissionDenied(f"Only the council's {names} can do this")
    return membership


def has_role(*, user: User, organisation: Organisation, roles: frozenset[str]) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, role__in=roles).exists()
