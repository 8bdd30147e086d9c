"""The permission policy: the table in docs/security.md is the code's, and services enforce it themselves."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from assessment.models import Action, Assessment
from assessment.services.assessments import theme_targets_set
from assessment.services.collaboration import theme_assign
from assessment.services.cycles import action_create, action_update_status, assessment_start_next_cycle
from assessment.services.permissions import POLICY, Can, allowed, require
from assessment.services.reviews import assessment_sign_off, theme_accept
from assessment.services.teams import invitation_create
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
ROLES = ["officer", "lead", "organisation_admin"]


def documented_table() -> dict[str, set[str]]:
    rows = re.findall(r"^\| ([a-z_]+) \| (yes|no) \| (yes|no) \| (yes|no) \|$", DOC.read_text(), flags=re.M)
    return {action: {role for role, cell in zip(ROLES, cells, strict=True) if cell == "yes"} for action, *cells in rows}


def test_the_documented_table_is_the_policy():
    assert documented_table() == {str(action): set(roles) for action, roles in POLICY.items()}


def test_allowed_follows_the_role(council):
    admin = MembershipFactory(organisation=council.organisation, role="organisation_admin").user
    assert allowed(user=council.officer, organisation=council.organisation) == {Can.VIEW, Can.ANSWER}
    assert Can.SIGN_OFF in allowed(user=council.lead, organisation=council.organisation)
    assert allowed(user=admin, organisation=council.organisation) == {Can.VIEW, Can.ANSWER, Can.INVITE,
                                                                       Can.MANAGE_MEMBERS}  # fmt: skip


def test_a_stranger_may_do_nothing(council, other_council):
    assert allowed(user=other_council.lead, organisation=council.organisation) == frozenset()
    with pytest.raises(PermissionDenied, match="not a member"):
        require(user=other_council.lead, organisation=council.organisation, action=Can.VIEW)


def test_services_refuse_an_officer_what_only_a_lead_may_do(assessment, bank, council):
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", submitted_at="2026-06-01T00:00Z")
    assessment.refresh_from_db()
    officer, org = council.officer, council.organisation
    attempts = [
        lambda: theme_assign(
            assessment=assessment, theme=bank.themes[0], assignee=officer, due_date=None, lead=officer
        ),
        lambda: theme_targets_set(assessment=assessment, user=officer, levels={bank.themes[0]: 4}),
        lambda: theme_accept(assessment=assessment, theme=bank.themes[0], lead=officer),
        lambda: assessment_sign_off(assessment=assessment, lead=officer, without_review=True),
        lambda: assessment_start_next_cycle(previous=assessment, user=officer, period="2027/28"),
        lambda: action_create(assessment=assessment, user=officer, question_key="", text="x", owner="y", due_date=None),
        lambda: action_update_status(
            action=Action.objects.create(assessment=assessment, text="x", owner="y"), user=officer, status="done"
        ),
        lambda: invitation_create(
            organisation=org, invited_by=officer, email="a@b.example", role="officer", base_url="https://x.example/"
        ),  # fmt: skip
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
