"""The collaboration pages as leads, officers and organisation administrators use them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessment.models import Assessment, AssessmentEvent, Membership, ThemeAssignment, ThemeReview
from assessment.services.benchmarks import score_records_store
from tests.factories import AnswerFactory, AssessmentFactory, MembershipFactory, OrganisationFactory
from tests.services.test_benchmarks import scores
from tests.two_factor import sign_in_with_code

pytestmark = pytest.mark.django_db


def test_an_administrator_invites_and_the_invitee_joins(client, council, django_capture_on_commit_callbacks):
    admin = MembershipFactory(organisation=council.organisation, role=Membership.Role.ORGANISATION_ADMIN).user
    sign_in_with_code(client, admin)
    url = reverse("team", kwargs={"pk": council.organisation.pk})
    with django_capture_on_commit_callbacks(execute=True):
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
        {f"assignee-{bank.themes[0].id}": council.officer.pk, **due(bank.themes[0], "31", "3", "2099")},
    )
    assert ThemeAssignment.objects.get().assignee == council.officer
    client.force_login(council.officer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Assigned to me" in page and "Hybrid working" in page and "due 31 March 2099" in page


def due(theme, day, month, year) -> dict:
    return {f"due-{theme.id}-day": day, f"due-{theme.id}-month": month, f"due-{theme.id}-year": year}


def test_a_past_due_date_is_refused_and_nothing_is_saved(client, assessment, bank, council):
    client.force_login(council.lead)
    first, second = bank.themes
    response = client.post(
        reverse("assessment_assignments", kwargs={"pk": assessment.pk}),
        {
            f"assignee-{first.id}": council.officer.pk,
            **due(first, "1", "4", "2099"),
            f"assignee-{second.id}": council.officer.pk,
            **due(second, "1", "1", "2001"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cyber security: The due date must be today or in the future" in page
    assert f'href="#due-{second.id}-day"' in page
    assert not ThemeAssignment.objects.exists()  # all or nothing: the first theme was not assigned either
    assert 'value="2099"' in page  # what was typed stays in the form


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2099"), "Enter the due date for Hybrid working as a real date, for example 27 3 2027"),
        (("1", "", "2099"), "Enter the month of the due date for Hybrid working"),
        (("x", "2", "2099"), "Enter the due date for Hybrid working using numbers only"),
    ],
)
def test_due_dates_use_the_govuk_date_input_with_clear_errors(client, assessment, bank, council, parts, message):
    client.force_login(council.lead)
    response = client.post(
        reverse("assessment_assignments", kwargs={"pk": assessment.pk}),
        {f"assignee-{bank.themes[0].id}": council.officer.pk, **due(bank.themes[0], *parts)},
    )
    assert response.status_code == 400 and message in response.content.decode()


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
    dated = {"dated_0": "27", "dated_1": "3", "dated_2": "2026"}
    response = client.post(url, {"description": "x", "link": "javascript:alert(1)", "owner": "IT", **dated})
    assert response.status_code == 400 and "http:// or https://" in response.content.decode()
    response = client.post(
        url, {"description": "Device policy", "link": "https://intranet.example/p", "owner": "IT", **dated}
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
    sign_in_with_code(client, platform_admin)
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
    # As the check page posts it: the returned themes it showed.
    client.post(
        reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on", "returned": [bank.themes[0].id]}
    )
    client.force_login(council.lead)
    # Nobody has accepted a theme: signing off asks first, and says which themes were not reviewed.
    response = client.post(reverse("assessment_sign_off", kwargs={"pk": assessment.pk}))
    assert response.url == reverse("assessment_sign_off", kwargs={"pk": assessment.pk})
    page = client.get(response.url).content.decode()
    assert "Sign off without reviewing 2 themes?" in page and "Hybrid working" in page
    client.post(reverse("assessment_sign_off", kwargs={"pk": assessment.pk}), {"without_review": "yes"})
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
    assert "4 answers carried forward from 2026/27 are not confirmed yet" in page
    assert page.count("Carried forward: confirm or change") == 4
    # Submitting is refused, with a link to each theme that has answers to confirm.
    client.force_login(council.officer)
    response = client.post(reverse("assessment_check", kwargs={"pk": following.pk}), {"confirm": "on"})
    assert response.status_code == 400
    theme_url = reverse("theme_answer", kwargs={"pk": following.pk, "theme_key": "hybrid-working"})
    assert (
        f'<a href="{theme_url}#carried-forward">Confirm or change the 2 carried-forward answers in Hybrid working'
        in (response.content.decode())
    )
    following.refresh_from_db()
    assert following.status == Assessment.Status.DRAFT


def test_confirming_a_themes_carried_forward_answers_takes_one_action(client, assessment, bank, council):
    from assessment.services.cycles import assessment_start_next_cycle

    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3)
    client.force_login(council.officer)
    client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    following = assessment_start_next_cycle(previous=assessment, user=council.lead, period="2027/28")
    theme_url = reverse("theme_answer", kwargs={"pk": following.pk, "theme_key": "hybrid-working"})
    page = client.get(theme_url).content.decode()
    assert "2 answers in this theme were carried forward from 2026/27" in page
    task_list = client.get(reverse("assessment_task_list", kwargs={"pk": following.pk})).content.decode()
    assert "2 of 2 answered, 2 to confirm" in task_list and "Check carried-forward answers" in task_list
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "4 of 4 answered, <strong>4 carried forward to confirm</strong>" in dashboard
    # "Save and come back later" keeps them to confirm; the confirm button confirms both at once.
    answers = {a.question.key: a for a in following.answers.select_related("question")}
    fields = {}
    for question in bank.questions[:2]:
        answer = answers[question.key]
        fields |= {
            f"q{question.id}-level": "3",
            f"q{question.id}-evidence": "",
            f"q{question.id}-version": answer.version,
        }
    client.post(theme_url, {**fields, "action": "later"})
    assert following.answers.filter(carried_forward=True).count() == 4
    response = client.post(theme_url, {**fields, "action": "confirm"})
    assert response.url == reverse("theme_answer", kwargs={"pk": following.pk, "theme_key": "cyber-security"})
    assert following.answers.filter(carried_forward=True).count() == 2  # the other theme's are left
    task_list = client.get(reverse("assessment_task_list", kwargs={"pk": following.pk})).content.decode()
    assert "2 of 2 answered</div>" in task_list.replace("\n", "")


def test_the_review_page_keeps_a_returned_themes_thread_and_what_changed(client, assessment, bank, council):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3)
    client.force_login(council.officer)
    client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    client.force_login(council.lead)
    client.post(
        reverse("theme_return", kwargs={"pk": assessment.pk, "theme_key": "cyber-security"}),
        {"comment": "Backups are not tested, so level 3 is too high"},
    )
    client.force_login(council.officer)
    backups = bank.questions[2]
    answer = assessment.answers.get(question=backups)
    url = reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": "cyber-security"})
    fields = {}
    for question in bank.questions[2:]:
        current = assessment.answers.get(question=question)
        level = "2" if question == backups else "3"
        fields |= {
            f"q{question.id}-level": level,
            f"q{question.id}-evidence": "",
            f"q{question.id}-version": current.version,
        }
    client.post(url, {**fields, "action": "later"})
    cyber = bank.themes[1]
    client.post(
        reverse("assessment_check", kwargs={"pk": assessment.pk}),
        {"confirm": "on", "returned": [cyber.id], f"reply-{cyber.id}": "Agreed: lowered to 2 until we test a restore"},
    )
    answer.refresh_from_db()
    assert answer.level == 2
    client.force_login(council.lead)
    page = client.get(reverse("assessment_review", kwargs={"pk": assessment.pk})).content.decode()
    assert "Resubmitted: not reviewed yet" in page
    assert "“Backups are not tested, so level 3 is too high”" in page
    assert "“Agreed: lowered to 2 until we test a restore”" in page
    assert f"{backups.text}: level 3 → level 2" in page


def test_after_a_date_error_the_chosen_people_stay_chosen_and_the_error_is_beside_its_date(
    client, assessment, bank, council
):
    # Every "Assigned to" went back to "Not assigned" after an error, so saving again assigned nobody.
    client.force_login(council.lead)
    first, second = bank.themes
    response = client.post(
        reverse("assessment_assignments", kwargs={"pk": assessment.pk}),
        {
            f"assignee-{first.id}": council.officer.pk,
            f"assignee-{second.id}": council.officer.pk,
            **due(second, "31", "2", "2099"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count(f'<option value="{council.officer.pk}" selected>') == 2
    assert f'id="due-{second.id}-error"' in page and "govuk-input--error" in page
    assert page.split("<title>")[1].startswith("Error:")
    assert not ThemeAssignment.objects.exists()


def test_a_due_date_without_anyone_assigned_is_refused_not_dropped(client, assessment, bank, council):
    client.force_login(council.lead)
    first = bank.themes[0]
    response = client.post(
        reverse("assessment_assignments", kwargs={"pk": assessment.pk}),
        {f"assignee-{first.id}": "", **due(first, "1", "4", "2099")},
    )
    assert response.status_code == 400
    assert "Hybrid working: Choose who to assign it to, or clear its due date" in response.content.decode()


@pytest.mark.parametrize("chosen", ["someone else's", "abc"])
def test_choosing_someone_outside_the_council_is_refused_and_the_assignment_kept(
    client, assessment, bank, council, other_council, chosen
):
    """Someone removed from the council while the lead had the page open, or a forged value: never an unassignment."""
    first = bank.themes[0]
    ThemeAssignment.objects.create(assessment=assessment, theme=first, assignee=council.officer)
    client.force_login(council.lead)
    value = str(other_council.officer.pk) if chosen == "someone else's" else chosen

    url = reverse("assessment_assignments", kwargs={"pk": assessment.pk})
    response = client.post(url, {f"assignee-{first.id}": value})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#assignee-{first.id}"' in page and f'id="assignee-{first.id}-error"' in page
    assert "Hybrid working: Choose someone from your council" in page
    assert ThemeAssignment.objects.get(assessment=assessment, theme=first).assignee == council.officer


def themes_returned(client, assessment, bank, council, theme_keys: list[str], comment: str) -> str:
    """Every question answered and submitted, and each of `theme_keys` returned by the lead with `comment`. Leaves
    the officer signed in; returns the check-and-submit page's URL, where the officer replies."""
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3)
    client.force_login(council.officer)
    check = reverse("assessment_check", kwargs={"pk": assessment.pk})
    client.post(check, {"confirm": "on"})
    client.force_login(council.lead)
    for key in theme_keys:
        client.post(reverse("theme_return", kwargs={"pk": assessment.pk, "theme_key": key}), {"comment": comment})
    client.force_login(council.officer)
    return check


def cyber_security_returned(client, assessment, bank, council, comment: str) -> str:
    return themes_returned(client, assessment, bank, council, ["cyber-security"], comment)


def test_a_reply_to_the_lead_is_kept_when_the_submit_page_shows_an_error(client, assessment, bank, council):
    # The officer typed a reply and forgot the confirmation tick: the reply came back empty.
    check = cyber_security_returned(client, assessment, bank, council, "Backups are not tested")
    cyber = bank.themes[1]
    response = client.post(check, {f"reply-{cyber.id}": "Lowered to 2 until we test a restore"})
    assert response.status_code == 400
    page = response.content.decode()
    assert ">Lowered to 2 until we test a restore</textarea>" in page
    assert page.split("<title>")[1].startswith("Error:")


def test_a_comment_and_a_reply_at_their_limit_with_line_breaks_are_accepted(client, assessment, bank, council):
    """Browsers send a text area's line breaks as CR LF but count them as one character, as the page does."""
    at_the_limit = ("x" * 99 + "\r\n") * 20  # 2,000 characters once each line break is one
    check = cyber_security_returned(client, assessment, bank, council, at_the_limit)
    cyber = bank.themes[1]
    review = ThemeReview.objects.get(assessment=assessment, theme=cyber)
    assert review.status == ThemeReview.Status.RETURNED and review.comment == at_the_limit.replace("\r\n", "\n").strip()

    response = client.post(check, {"confirm": "on", "returned": str(cyber.id), f"reply-{cyber.id}": at_the_limit})

    assert response.status_code == 302
    reply = AssessmentEvent.objects.get(assessment=assessment, kind=AssessmentEvent.Kind.THEME_RESUBMITTED)
    assert reply.note == at_the_limit.replace("\r\n", "\n").strip()


def test_a_theme_returned_while_the_officer_is_on_the_check_page_is_shown_before_submitting(
    client, assessment, bank, council
):
    # It was resubmitted with "no reply" and its return cleared: the officer never saw the lead's comment.
    check = cyber_security_returned(client, assessment, bank, council, "Backups are not tested")
    page = client.get(check).content.decode()
    shown = re.findall(r'name="returned" value="(\d+)"', page)
    client.force_login(council.lead)
    client.post(reverse("theme_return", kwargs={"pk": assessment.pk, "theme_key": "hybrid-working"}), {"comment": "?"})
    client.force_login(council.officer)
    response = client.post(check, {"confirm": "on", "returned": shown})
    assert response.status_code == 400
    message = "The lead has just returned Hybrid working: read their comment, then submit again"
    error_id = f"reply-{bank.themes[0].id}-error"
    page = response.content.decode()
    # In the summary, and beside the reply box, which names it for screen readers.
    assert page.count(message) == 2 and f'id="{error_id}"' in page and f'-hint {error_id}"' in page
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    shown = re.findall(r'name="returned" value="(\d+)"', response.content.decode())
    assert client.post(check, {"confirm": "on", "returned": shown}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_the_officer_s_task_list_says_which_themes_came_back_and_what_to_do(client, assessment, bank, council):
    # It said only "Every question is answered and confirmed", with a red tag further down.
    cyber_security_returned(client, assessment, bank, council, "Backups are not tested")
    page = client.get(reverse("assessment_task_list", kwargs={"pk": assessment.pk})).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "The lead has returned 1 theme for changes: Cyber security." in text
    assert "then check your answers and submit again, where you can reply to the lead." in text


def test_the_lead_goes_on_reviewing_after_returning_a_theme(client, assessment, bank, council):
    # After one return the review page said "in progress, you can review it once it has been submitted", with
    # no Accept or Return left, and the task list lost its link to the review.
    cyber_security_returned(client, assessment, bank, council, "Backups are not tested")
    client.force_login(council.lead)
    task_list = client.get(reverse("assessment_task_list", kwargs={"pk": assessment.pk})).content.decode()
    review_url = reverse("assessment_review", kwargs={"pk": assessment.pk})
    assert f'href="{review_url}"' in task_list
    review = client.get(review_url).content.decode()
    assert "You have returned 1 theme for changes" in review
    assert 'Return<span class="govuk-visually-hidden"> Hybrid working</span> with a comment' in review
    assert "Accept<span" not in review  # accepting waits for the resubmission
    client.post(reverse("theme_return", kwargs={"pk": assessment.pk, "theme_key": "hybrid-working"}), {"comment": "?"})
    assert "You have returned 2 themes for changes" in client.get(review_url).content.decode()


@pytest.mark.parametrize(
    ("returned", "goes_to"),
    [
        (["hybrid-working"], "check"),  # it went on to cyber security, which nobody asked to change
        (["hybrid-working", "cyber-security"], "cyber-security"),
    ],
)
def test_save_and_continue_on_a_returned_theme_goes_to_the_next_returned_theme_then_the_check_page(
    client, assessment, bank, council, returned, goes_to
):
    check = themes_returned(client, assessment, bank, council, returned, "Evidence?")
    response = client.post(
        reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": "hybrid-working"}), {"action": "continue"}
    )
    expected = (
        check if goes_to == "check" else reverse("theme_answer", kwargs={"pk": assessment.pk, "theme_key": goes_to})
    )
    assert response.status_code == 302 and response.url == expected


def test_accepting_a_theme_says_so_and_the_submitted_page_says_what_happens_next(client, assessment, bank, council):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3, evidence="Board minutes, March")
    client.force_login(council.officer)
    check = client.get(reverse("assessment_check", kwargs={"pk": assessment.pk})).content.decode()
    assert "Notes:</span> Board minutes, March" in check  # notes are not called evidence
    client.post(reverse("assessment_check", kwargs={"pk": assessment.pk}), {"confirm": "on"})
    submitted = client.get(reverse("assessment_submitted", kwargs={"pk": assessment.pk})).content.decode()
    assert "Your council's lead will now review each theme" in submitted and "now fixed" not in submitted
    client.force_login(council.lead)
    response = client.post(
        reverse("theme_accept", kwargs={"pk": assessment.pk, "theme_key": "cyber-security"}), follow=True
    )
    assert "You have accepted “Cyber security”." in response.content.decode()


def test_an_actions_due_date_is_typed_as_day_month_and_year_and_never_in_the_past(client, assessment, council):
    # The page used the browser's date picker (mm/dd/yyyy in some browsers) and took any date.
    from assessment.models import Action

    client.force_login(council.lead)
    url = reverse("assessment_actions", kwargs={"pk": assessment.pk})
    page = client.get(url).content.decode()
    assert 'type="date"' not in page and 'name="due_date_0"' in page and "For example, 31 3 2027" in page
    sent = {"text": "Test a restore from backup", "owner": "Head of IT", "question_key": ""}
    response = client.post(url, {**sent, "due_date_0": "1", "due_date_1": "1", "due_date_2": "2001"})
    assert response.status_code in (200, 400) and not Action.objects.exists()
    assert "The due date must be today or in the future" in response.content.decode()
    client.post(url, {**sent, "due_date_0": "31", "due_date_1": "3", "due_date_2": "2099"})
    assert str(Action.objects.get().due_date) == "2099-03-31"


def test_a_signed_off_assessment_s_task_list_says_signed_off(client, assessment, council):
    # It said "Submitted" beside "View all answers" after the lead had signed it off.
    Assessment.objects.filter(pk=assessment.pk).update(
        status="signed_off", submitted_at="2026-06-01T00:00Z", signed_off_at="2026-06-02T00:00Z"
    )
    client.force_login(council.officer)
    page = client.get(reverse("assessment_task_list", kwargs={"pk": assessment.pk})).content.decode()
    status = page.split('id="check-status">')[1].split("</div>")[0]
    assert status.strip() == "Signed off"
