"""The collaboration pages as leads, officers and organisation administrators use them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessment.models import Assessment, Membership, ThemeAssignment
from assessment.services.benchmarks import score_records_store
from tests.factories import AnswerFactory, AssessmentFactory, MembershipFactory, OrganisationFactory
from tests.services.test_benchmarks import scores

pytestmark = pytest.mark.django_db


def test_an_administrator_invites_and_the_invitee_joins(client, council):
    admin = MembershipFactory(organisation=council.organisation, role=Membership.Role.ORGANISATION_ADMIN).user
    client.force_login(admin)
    url = reverse("team", kwargs={"pk": council.organisation.pk})
    response = client.post(url, {"email": "newbie@council.example", "role": "officer"})
    assert response.url == url
    assert "Invitations not yet accepted" in client.get(url).content.decode()
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)
    client.logout()
    path = link.split("testserver", 1)[1]
    assert "Create your account" in client.get(path).content.decode()
    response = client.post(
        path, {"full_name": "New Bie", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    )
    assert response.url == reverse("dashboard")
    assert Membership.objects.filter(user__email="newbie@council.example", organisation=council.organisation).exists()
    assert client.get(path).status_code == 404  # single use


def test_officers_see_the_team_but_cannot_invite(client, council):
    client.force_login(council.officer)
    url = reverse("team", kwargs={"pk": council.organisation.pk})
    assert "ask your council's lead or an organisation administrator" in client.get(url).content.decode()
    assert client.post(url, {"email": "x@council.example", "role": "officer"}).status_code == 403


def test_assigned_themes_appear_on_the_officers_dashboard(client, assessment, bank, council):
    client.force_login(council.lead)
    client.post(
        reverse("assessment_assignments", kwargs={"pk": assessment.pk}),
        {f"assignee-{bank.themes[0].id}": council.officer.pk, f"due-{bank.themes[0].id}": "2099-03-31"},
    )
    assert ThemeAssignment.objects.get().assignee == council.officer
    client.force_login(council.officer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Assigned to me" in page and "Hybrid working" in page and "due 31 March 2099" in page


def test_a_past_due_date_is_refused_with_a_clear_error(client, assessment, bank, council):
    client.force_login(council.lead)
    response = client.post(
        reverse("assessment_assignments", kwargs={"pk": assessment.pk}),
        {f"assignee-{bank.themes[0].id}": council.officer.pk, f"due-{bank.themes[0].id}": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "Hybrid working: The due date must be today or in the future" in response.content.decode()


def test_leads_see_an_answers_history_and_officers_do_not(client, assessment, bank, council):
    question = bank.questions[0]
    client.force_login(council.officer)
    client.post(
        reverse("answer_autosave", kwargs={"pk": assessment.pk}), {"question": question.id, "level": "2", "version": 0}
    )
    client.post(
        reverse("answer_autosave", kwargs={"pk": assessment.pk}),
        {"question": question.id, "level": "4", "evidence": "New policy", "version": 1},
    )
    url = reverse("answer_history", kwargs={"pk": assessment.pk, "question_id": question.id})
    assert client.get(url).status_code == 403
    client.force_login(council.lead)
    page = client.get(url).content.decode()
    assert (
        "Level 4" in page and "was level 2" in page and "New policy" in page and council.officer.get_full_name() in page
    )


def test_evidence_link_must_be_a_web_address(client, assessment, bank, council):
    client.force_login(council.officer)
    url = reverse("evidence_items", kwargs={"pk": assessment.pk, "question_id": bank.questions[0].id})
    response = client.post(
        url, {"description": "x", "link": "javascript:alert(1)", "owner": "IT", "dated": "2026-01-01"}
    )
    assert response.status_code == 400 and "http:// or https://" in response.content.decode()
    response = client.post(
        url, {"description": "Device policy", "link": "https://intranet.example/p", "owner": "IT", "dated": "27/3/2026"}
    )
    assert response.status_code == 302
    assert "Device policy" in client.get(url).content.decode()


def test_results_show_benchmarks_without_naming_councils(client, assessment, bank, council):
    names = []
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        organisation = OrganisationFactory(council_type="county")
        names.append(organisation.name)
        peer = AssessmentFactory(organisation=organisation, bank_version=bank.version, status="signed_off",
                                 submitted_at="2026-01-01T00:00Z", signed_off_at="2026-01-02T00:00Z")  # fmt: skip
        score_records_store(assessment=peer, scores=scores(value, value, value))
    AnswerFactory(assessment=assessment, question=bank.questions[0], level=3)
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()
    assert "County councils (5 councils)" in page
    assert "Not enough councils to compare" not in page.split("County councils (5 councils)")[1].split("</table>")[0]
    for name in names:
        assert name not in page


def test_results_say_when_there_are_not_enough_councils(client, assessment, council):
    client.force_login(council.officer)
    page = client.get(reverse("assessment_results", kwargs={"pk": assessment.pk})).content.decode()
    assert page.count("Not enough councils to compare") == 3


def test_sector_view_and_csv_for_platform_administrators_only(client, platform_admin, council, bank):
    client.force_login(council.lead)
    assert client.get(reverse("sector")).status_code == 302
    client.force_login(platform_admin)
    assert "Median score by council type and theme" in client.get(reverse("sector")).content.decode()
    response = client.get(reverse("sector_csv"))
    assert response["Content-Type"].startswith("text/csv")


def test_the_lead_returns_then_signs_off_from_the_review_page(client, assessment, bank, council):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3)
    client.force_login(council.officer)
    client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    client.force_login(council.lead)
    client.post(
        reverse("theme_return", kwargs={"pk": assessment.pk, "theme_key": bank.themes[0].key}),
        {"comment": "Add evidence"},
    )
    client.force_login(council.officer)
    task_list = client.get(reverse("assessment_task_list", kwargs={"pk": assessment.pk})).content.decode()
    assert "Returned by the lead: “Add evidence”" in task_list
    client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    client.force_login(council.lead)
    client.post(reverse("assessment_sign_off", kwargs={"pk": assessment.pk}))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SIGNED_OFF
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Signed off" in dashboard


def test_check_your_answers_warns_about_unconfirmed_carried_forward_answers(client, assessment, bank, council):
    from assessment.services.cycles import assessment_start_next_cycle

    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3)
    client.force_login(council.officer)
    client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    following = assessment_start_next_cycle(previous=assessment, user=council.lead, period="2027/28")
    page = client.get(reverse("assessment_check", kwargs={"pk": following.pk})).content.decode()
    assert "4 answers were carried forward from 2026/27 and have not been confirmed" in page
    assert page.count("Carried forward: confirm or change") == 4
