"""Platform administrators manage councils, people and banks, but never see or change a council's answers,
evidence, actions or scores, and never make themselves (or anyone) a member of a council."""

import contextlib

import pytest
from django.contrib import admin
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from assessment.models import (
    Action,
    Answer,
    Assessment,
    AssessmentEvent,
    EvidenceItem,
    Invitation,
    Membership,
    Organisation,
    SupportEvent,
    User,
)
from assessment.services.teams import invitation_accept, invitation_create_first_administrator, invitation_link_new
from tests.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import sign_in_with_code

pytestmark = pytest.mark.django_db


def _council_secrets() -> set[str]:
    """Text only a council should ever see: evidence notes and items, actions, review comments."""
    secrets = {a.evidence[:60] for a in Answer.objects.exclude(evidence="")}
    secrets |= {e.description[:60] for e in EvidenceItem.objects.all()}
    secrets |= {a.text[:60] for a in Action.objects.all()}
    secrets |= {e.note[:60] for e in AssessmentEvent.objects.exclude(note="")}
    return {s for s in secrets if len(s) >= 20}


def _admin_urls() -> list[str]:
    """Every admin page of every registered model: list, add, and change, delete and history of a few objects."""
    urls = [reverse("admin:index"), reverse("admin:app_list", args=["assessment"])]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        for obj in model._default_manager.all()[:3]:
            for view in ("change", "delete", "history", "invite_administrator"):
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse(f"{prefix}_{view}", args=[obj.pk]))
    return urls


def test_no_admin_page_shows_a_councils_answers_evidence_or_actions(client, demo):
    secrets = _council_secrets()
    assert len(secrets) >= 5  # the demo has evidence, evidence items and actions to leak
    sign_in_with_code(client, User.objects.get(email="admin@platform.example"))
    urls = _admin_urls()
    assert any("/assessment/assessment/" in url for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        body = response.content.decode()
        leaked = [s for s in secrets if s in body]
        assert leaked == [], f"{url} shows {leaked[:2]}"


def test_an_assessment_in_the_admin_can_be_seen_but_not_changed_or_deleted(client, demo):
    sign_in_with_code(client, User.objects.get(email="admin@platform.example"))
    signed_off = Assessment.objects.filter(status=Assessment.Status.SIGNED_OFF, signed_off_by__isnull=False).first()
    change = reverse("admin:assessment_assessment_change", args=[signed_off.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "Questions answered" in page.content.decode()
    assert 'name="signed_off_by"' not in page.content.decode()
    response = client.post(change, {"signed_off_by": "", "previous": "", "status": "draft"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:assessment_assessment_delete", args=[signed_off.pk]), {"post": "yes"}).status_code
        == 403
    )
    signed_off.refresh_from_db()
    assert signed_off.status == Assessment.Status.SIGNED_OFF and signed_off.signed_off_by is not None


def test_the_admin_cannot_add_anyone_to_a_council_but_its_changes_are_shown_to_the_council(
    client, council, platform_admin
):
    sign_in_with_code(client, platform_admin)
    organisation = council.organisation
    url = reverse("admin:assessment_organisation_change", args=[organisation.pk])
    members_before = set(Membership.objects.values_list("pk", flat=True))
    response = client.post(url, {
        "name": "Exampleshire Council", "council_type": organisation.council_type, "nation": organisation.nation,
        "region": organisation.region,
        # An added membership row, as the old inline accepted it: the platform administrator as lead.
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": platform_admin.pk, "memberships-0-role": "lead",
        "memberships-0-organisation": organisation.pk,
        "single_sign_on-TOTAL_FORMS": "0", "single_sign_on-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == 302
    assert set(Membership.objects.values_list("pk", flat=True)) == members_before
    event = SupportEvent.objects.get(organisation=organisation)
    assert event.kind == SupportEvent.Kind.DETAILS_CHANGED and event.actor == platform_admin

    client.force_login(council.officer)
    team = client.get(reverse("team", args=[organisation.pk])).content.decode()
    assert "Changes made by the service's support team" in team
    assert "Changed the council&#x27;s details: Changed name" in team
    assert platform_admin.email in team


def test_a_platform_admin_invites_only_a_councils_first_administrator_and_that_is_recorded(
    client, council, platform_admin, django_capture_on_commit_callbacks
):
    organisation = council.organisation
    sign_in_with_code(client, platform_admin)
    url = reverse("admin:assessment_organisation_invite_administrator", args=[organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Chief.Digital@exampleshire.gov.uk"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role) == ("chief.digital@exampleshire.gov.uk", "organisation_admin")
    assert mail.outbox[0].to == ["chief.digital@exampleshire.gov.uk"]
    assert SupportEvent.objects.get(organisation=organisation).detail == "chief.digital@exampleshire.gov.uk"

    # Once the council has an administrator, they decide who joins.
    MembershipFactory(organisation=organisation, role=Membership.Role.ORGANISATION_ADMIN)
    page = client.post(url, {"email": "another@exampleshire.gov.uk"})
    assert page.status_code == 200
    assert "already has an organisation administrator" in page.content.decode()
    assert Invitation.objects.filter(organisation=organisation).count() == 1


def test_a_platform_administrator_cannot_join_a_council(platform_admin, rf):
    organisation = OrganisationFactory()
    with pytest.raises(Exception) as refused:
        invitation_create_first_administrator(
            organisation=organisation, invited_by=platform_admin, email=platform_admin.email, base_url="http://x/"
        )
    assert "cannot be members of a council" in str(refused.value)

    # An invitation sent to a platform administrator's address by a council cannot be accepted by them.
    invitation = invitation_create_first_administrator(
        organisation=organisation, invited_by=platform_admin, email="new.admin@example.gov.uk", base_url="http://x/"
    )
    link = invitation_link_new(invitation=invitation, base_url="http://x/")
    new_admin = User.objects.create_user(email="new.admin@example.gov.uk", password="x", is_staff=True)
    with pytest.raises(PermissionDenied):
        invitation_accept(token=link.rstrip("/").rsplit("/", 1)[1], user=new_admin)
    assert not Membership.objects.filter(user=new_admin).exists()


def test_a_council_member_cannot_be_made_a_platform_administrator(client, council, platform_admin):
    sign_in_with_code(client, platform_admin)
    officer = council.officer
    url = reverse("admin:assessment_user_change", args=[officer.pk])
    response = client.post(url, {
        "email": officer.email, "full_name": officer.full_name, "is_active": "on", "is_staff": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Platform administrators cannot be members of a council" in response.content.decode()
    officer.refresh_from_db()
    assert not officer.is_staff


def test_a_council_with_assessments_cannot_be_deleted_from_the_admin(client, assessment, platform_admin):
    sign_in_with_code(client, platform_admin)
    organisation = assessment.organisation
    response = client.post(reverse("admin:assessment_organisation_delete", args=[organisation.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
