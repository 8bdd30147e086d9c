"""Every URL pattern, visited as each kind of user, gets the status it must.

A lead gets what any member gets unless an entry says otherwise.

Adding a URL without adding it here fails `test_every_url_pattern_is_swept`, so the sweep stays complete.
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessment.models import Action, Invitation
from tests.factories import AnswerFactory, EvidenceItemFactory
from tests.two_factor import sign_in_with_code

ANON, MEMBER, LEAD, OTHER, ADMIN = "anonymous", "member", "lead", "other council", "platform admin"

# name: (method, kwargs needed, {role: status})
SWEEP = {
    "dashboard": ("get", {}, {ANON: 302, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "assessment_new": ("get", {}, {ANON: 302, MEMBER: 200, OTHER: 200, ADMIN: 404}),
    "assessment_task_list": ("get", {"pk"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "theme_answer": ("get", {"pk", "theme_key"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "answer_autosave": ("post", {"pk"}, {ANON: 302, MEMBER: 400, OTHER: 404, ADMIN: 404}),
    "assessment_check": ("get", {"pk"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "assessment_submitted": ("get", {"pk"}, {ANON: 302, MEMBER: 302, OTHER: 404, ADMIN: 404}),
    "assessment_results": ("get", {"pk"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "assessment_report_pdf": ("get", {"pk"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "assessment_export": ("get", {"pk", "kind", "fmt"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "assessment_targets": ("get", {"pk"}, {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404}),
    "assessment_question_targets": (
        "get",
        {"pk", "theme_key"},
        {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404},
    ),  # fmt: skip
    "assessment_assignments": ("get", {"pk"}, {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404}),
    "assessment_review": ("get", {"pk"}, {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404}),
    "theme_return": ("get", {"pk", "theme_key"}, {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404}),
    "theme_accept": ("post", {"pk", "theme_key"}, {ANON: 302, MEMBER: 403, LEAD: 302, OTHER: 404, ADMIN: 404}),
    "assessment_sign_off": ("post", {"pk"}, {ANON: 302, MEMBER: 403, LEAD: 302, OTHER: 404, ADMIN: 404}),
    "assessment_reopen": ("get", {"pk"}, {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404}),
    "answer_history": ("get", {"pk", "question_id"}, {ANON: 302, MEMBER: 403, LEAD: 200, OTHER: 404, ADMIN: 404}),
    "evidence_items": ("get", {"pk", "question_id"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "evidence_item_delete": ("post", {"pk", "item_id"}, {ANON: 302, MEMBER: 302, OTHER: 404, ADMIN: 404}),
    "assessment_next_cycle": ("get", {"pk"}, {ANON: 302, MEMBER: 403, LEAD: 302, OTHER: 404, ADMIN: 404}),
    "assessment_actions": ("get", {"pk"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "action_status": ("post", {"pk", "action_id"}, {ANON: 302, MEMBER: 403, LEAD: 302, OTHER: 404, ADMIN: 404}),
    "team": ("get", {"org"}, {ANON: 302, MEMBER: 200, OTHER: 404, ADMIN: 404}),
    "member_role": ("post", {"org", "membership_pk"}, {ANON: 302, MEMBER: 403, OTHER: 404, ADMIN: 404}),
    "member_remove": ("get", {"org", "membership_pk"}, {ANON: 302, MEMBER: 403, OTHER: 404, ADMIN: 404}),
    "invitation_resend": (
        "post",
        {"org", "invitation_pk"},
        {ANON: 302, MEMBER: 403, LEAD: 302, OTHER: 404, ADMIN: 404},
    ),
    "invitation_accept": ("get", {"token"}, {ANON: 404, MEMBER: 404, OTHER: 404, ADMIN: 404}),
    "sector": ("get", {}, {ANON: 302, MEMBER: 302, OTHER: 302, ADMIN: 200}),
    "sector_csv": ("get", {}, {ANON: 302, MEMBER: 302, OTHER: 302, ADMIN: 200}),
    "login": ("get", {}, {ANON: 200, MEMBER: 302, OTHER: 302, ADMIN: 302}),
    "sso_start": ("get", {}, {ANON: 200, MEMBER: 302, OTHER: 302, ADMIN: 302}),
    "sso_callback": ("get", {}, {ANON: 403, MEMBER: 403, OTHER: 403, ADMIN: 403}),
    "admin_sign_in": ("get", {}, {ANON: 302, MEMBER: 302, OTHER: 302, ADMIN: 302}),
    "session_keep_alive": ("post", {}, {ANON: 302, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "two_factor_verify": ("get", {}, {ANON: 302, MEMBER: 302, OTHER: 302, ADMIN: 302}),
    "two_factor_setup": ("get", {}, {ANON: 302, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "sign_in_security": ("get", {}, {ANON: 302, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "organisation_two_factor": ("post", {"org"}, {ANON: 302, MEMBER: 403, LEAD: 403, OTHER: 404, ADMIN: 404}),
    "logout": ("get", {}, {ANON: 405, MEMBER: 405, OTHER: 405, ADMIN: 405}),
    "password_reset": ("get", {}, {ANON: 200, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "password_reset_done": ("get", {}, {ANON: 200, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "password_reset_confirm": ("get", {"uidb64", "token"}, {ANON: 200, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "password_reset_complete": ("get", {}, {ANON: 200, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "accessibility": ("get", {}, {ANON: 200, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "healthz": ("get", {}, {ANON: 200, MEMBER: 200, OTHER: 200, ADMIN: 200}),
    "admin:index": ("get", {}, {ANON: 302, MEMBER: 302, OTHER: 302, ADMIN: 200}),
}


def _named_patterns(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                names.add("admin:index")  # the admin site is checked through its front door
                continue
            names |= _named_patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_is_swept():
    assert _named_patterns(get_resolver()) == set(SWEEP)


@pytest.mark.parametrize("role", [ANON, MEMBER, LEAD, OTHER, ADMIN])
@pytest.mark.parametrize("name", sorted(SWEEP))
def test_status_for_each_role(client, assessment, bank, council, other_council, platform_admin, name, role):
    method, needs, expected = SWEEP[name]
    user = {
        ANON: None,
        MEMBER: council.officer,
        LEAD: council.lead,
        OTHER: other_council.officer,
        ADMIN: platform_admin,
    }[role]
    if role == ADMIN:
        sign_in_with_code(client, user)  # platform administrators must use two-factor authentication
    elif user is not None:
        client.force_login(user)
    answer = AnswerFactory(assessment=assessment, question=bank.questions[0], level=3)
    item = EvidenceItemFactory(answer=answer)
    action = Action.objects.create(assessment=assessment, text="Do it", owner="IT")
    membership = council.organisation.memberships.get(user=council.officer)
    invitation = Invitation.objects.create(
        organisation=council.organisation, email="invitee@council.example", token_hash="h" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    values = {
        "pk": assessment.pk,
        "org": council.organisation.pk,
        "question_id": bank.questions[0].id,
        "item_id": item.pk,
        "action_id": action.pk,
        "membership_pk": membership.pk,
        "invitation_pk": invitation.pk,
        "theme_key": bank.themes[0].key,
        "uidb64": "MQ",
        "token": "set-password" if name == "password_reset_confirm" else "not-a-real-invitation",
        "kind": "answers",
        "fmt": "xlsx",
    }
    kwargs = {("pk" if key == "org" else key): values[key] for key in needs}
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url)
    # A lead is a member too: unless a page says otherwise, a lead gets what any member gets.
    assert response.status_code == expected.get(role, expected[MEMBER]), f"{role} {method.upper()} {url}"
