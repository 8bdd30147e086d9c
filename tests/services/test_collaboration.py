"""Teams, assignments, evidence, review and sign-off, the next cycle and actions."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessment.models import (
    Action,
    Answer,
    Assessment,
    AssessmentEvent,
    EvidenceItem,
    Invitation,
    Membership,
    ThemeReview,
    ThemeScoreRecord,
    User,
)
from assessment.selectors import assessment_structure, review_threads
from assessment.services.assessments import (
    AnswerChange,
    AssessmentLocked,
    ReturnedThemesUnseen,
    answers_save,
    assessment_submit,
)
from assessment.services.collaboration import evidence_item_add, evidence_item_remove, theme_assign
from assessment.services.cycles import action_create, assessment_start_next_cycle
from assessment.services.reviews import (
    AssessmentStateError,
    UnreviewedThemes,
    assessment_reopen,
    assessment_sign_off,
    theme_accept,
    theme_return,
    themes_can_be_returned,
    themes_not_accepted,
)
from assessment.services.teams import (
    invitation_accept,
    invitation_create,
    invitation_link_new,
    membership_change_role,
    membership_remove,
)
from tests.factories import (
    AnswerFactory,
    AssessmentFactory,
    BankVersionFactory,
    EvidenceItemFactory,
    MembershipFactory,
    QuestionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin(council):
    return MembershipFactory(organisation=council.organisation, role=Membership.Role.ORGANISATION_ADMIN).user


def invite(council, org_admin, email="new.person@council.example", role="officer") -> str:
    invitation = invitation_create(
        organisation=council.organisation, invited_by=org_admin, email=email, role=role, base_url="https://x.example/"
    )
    link = invitation_link_new(invitation=invitation, base_url="https://x.example/")
    return link.rstrip("/").rsplit("/", 1)[1]


class TestTeams:
    def test_an_invitation_is_emailed_and_creates_the_account_once(
        self, council, org_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_create(
                organisation=council.organisation, invited_by=org_admin, email="new.person@council.example",
                role="officer", base_url="https://x.example/",
            )  # fmt: skip
            assert mail.outbox == []  # the email goes once the invitation has committed
        assert mail.outbox[0].to == ["new.person@council.example"] and "expires in 7 days" in mail.outbox[0].body
        token = re.search(r"/invitations/([^/]+)/", mail.outbox[0].body).group(1)
        invitation.refresh_from_db()
        assert invitation.email_status == Invitation.Email.SENT and invitation.emailed_at is not None
        user = invitation_accept(token=token, full_name="New Person", password="a-long-passphrase")
        assert Membership.objects.get(user=user, organisation=council.organisation).role == "officer"
        with pytest.raises(ValidationError, match="already been used"):
            invitation_accept(token=token, full_name="Again", password="a-long-passphrase")
        assert not Invitation.objects.filter(token_hash=token).exists()  # only a hash is stored

    def test_an_expired_invitation_is_refused(self, council, org_admin):
        token = invite(council, org_admin)
        Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        with pytest.raises(ValidationError, match="expired"):
            invitation_accept(token=token, full_name="Late", password="a-long-passphrase")
        assert not User.objects.filter(email="new.person@council.example").exists()

    def test_someone_already_invited_is_not_invited_twice_until_their_invitation_expires(self, council, org_admin):
        invite(council, org_admin)  # the button pressed twice, or a colleague inviting the same person
        with pytest.raises(ValidationError, match="already has an invitation waiting.*Send again"):
            invite(council, org_admin, email=" New.Person@council.example")
        assert Invitation.objects.count() == 1

        Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        invite(council, org_admin, role="lead")
        assert Invitation.objects.filter(role="lead").count() == 1

    def test_an_invitation_is_for_the_person_it_was_sent_to(self, council, org_admin, other_council):
        token = invite(council, org_admin)
        with pytest.raises(PermissionDenied):
            invitation_accept(token=token, user=other_council.officer)

    def test_officers_cannot_invite_and_leads_cannot_invite_administrators(self, council):
        with pytest.raises(PermissionDenied):
            invite(council, council.officer)
        with pytest.raises(PermissionDenied):
            invite(council, council.lead, role="organisation_admin")
        invite(council, council.lead, role="officer")

    def test_the_last_administrator_cannot_be_removed_or_demoted(self, council, org_admin):
        admin_membership = Membership.objects.get(user=org_admin)
        with pytest.raises(ValidationError, match="last organisation administrator"):
            membership_remove(membership=admin_membership, removed_by=org_admin)
        with pytest.raises(ValidationError, match="at least one organisation administrator"):
            membership_change_role(membership=admin_membership, role="officer", changed_by=org_admin)
        second = Membership.objects.get(user=council.lead)
        membership_change_role(membership=second, role="organisation_admin", changed_by=org_admin)
        membership_remove(membership=admin_membership, removed_by=org_admin)
        assert not Membership.objects.filter(user=org_admin).exists()


class TestAssignment:
    def test_a_lead_assigns_a_theme_with_a_due_date(self, assessment, bank, council):
        due = timezone.localdate() + datetime.timedelta(days=14)
        assignment = theme_assign(
            assessment=assessment, theme=bank.themes[0], assignee=council.officer, due_date=due, lead=council.lead
        )
        assert (assignment.assignee, assignment.due_date) == (council.officer, due)

    def test_a_due_date_with_nobody_to_do_it_is_refused_not_dropped(self, assessment, bank, council):
        due = timezone.localdate() + datetime.timedelta(days=14)
        with pytest.raises(ValidationError, match="Choose who to assign it to, or clear its due date"):
            theme_assign(assessment=assessment, theme=bank.themes[0], assignee=None, due_date=due, lead=council.lead)

    def test_officers_cannot_assign_and_assignees_must_be_in_the_council(
        self, assessment, bank, council, other_council
    ):
        with pytest.raises(PermissionDenied):
            theme_assign(
                assessment=assessment,
                theme=bank.themes[0],
                assignee=council.officer,
                due_date=None,
                lead=council.officer,
            )
        with pytest.raises(ValidationError, match="someone from your council"):
            theme_assign(
                assessment=assessment,
                theme=bank.themes[0],
                assignee=other_council.officer,
                due_date=None,
                lead=council.lead,
            )


class TestEvidence:
    def test_evidence_items_accept_only_web_links(self, assessment, bank, council):
        add = {"assessment": assessment, "question": bank.questions[0], "user": council.officer,
               "description": "Policy", "owner": "IT", "dated": timezone.localdate()}  # fmt: skip
        item = evidence_item_add(**add, link="https://intranet.council.example/policy")
        assert item.answer.level is None  # an answer row was made to hold the evidence
        for bad in ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x.example/y"]:
            with pytest.raises(ValidationError, match="http:// or https://"):
                evidence_item_add(**add, link=bad)

    def test_the_same_item_sent_twice_is_listed_once(self, assessment, bank, council):
        add = {"assessment": assessment, "question": bank.questions[0], "user": council.officer,
               "description": "Device policy v2", "owner": "Head of IT", "dated": timezone.localdate(),
               "link": "https://intranet.council.example/policy"}  # fmt: skip
        first = evidence_item_add(**add)
        assert evidence_item_add(**add) == first  # the button pressed twice
        evidence_item_add(**(add | {"description": "Device policy v3"}))
        assert EvidenceItem.objects.count() == 2

    def test_evidence_dated_in_the_future_is_refused(self, assessment, bank, council):
        # An item dated 2030 counted as evidence behind a level 3 answer: a promise is not evidence.
        add = {"assessment": assessment, "question": bank.questions[0], "user": council.officer,
               "description": "Policy", "owner": "IT", "link": ""}  # fmt: skip
        with pytest.raises(ValidationError, match="must be today or in the past"):
            evidence_item_add(**add, dated=timezone.localdate() + datetime.timedelta(days=1))
        assert not EvidenceItem.objects.exists()
        assert evidence_item_add(**add, dated=timezone.localdate()).pk


def submit_all(assessment, bank, user):
    for question in bank.questions:
        AnswerFactory(assessment=assessment, question=question, level=3, answered_by=user)
    return assessment_submit(assessment=assessment, user=user)


class TestReviewAndSignOff:
    def test_submitting_records_the_event_and_stores_scores(self, assessment, bank, council):
        submit_all(assessment, bank, council.officer)
        assert assessment.events.filter(kind=AssessmentEvent.Kind.SUBMITTED, actor=council.officer).exists()
        overall = ThemeScoreRecord.objects.get(assessment=assessment, theme_key="")
        assert overall.score == pytest.approx(3.0) and overall.answered == 4

    def test_a_returned_theme_opens_the_assessment_with_the_comment(self, assessment, bank, council):
        submit_all(assessment, bank, council.officer)
        theme_return(assessment=assessment, theme=bank.themes[0], lead=council.lead, comment="Add the device policy")
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.DRAFT
        assert ThemeReview.objects.get(theme=bank.themes[0]).comment == "Add the device policy"
        # The officer changes an answer and resubmits: the returned review is cleared.
        answer = Answer.objects.get(assessment=assessment, question=bank.questions[0])
        change = AnswerChange(
            question=bank.questions[0], level=4, not_applicable=False, evidence="", expected_version=answer.version
        )
        answers_save(assessment=assessment, user=council.officer, changes=[change])
        assessment_submit(
            assessment=assessment, user=council.officer, replies={bank.themes[0].id: "Policy added as evidence"}
        )
        assert not ThemeReview.objects.exists()  # back for review
        # The thread keeps the lead's comment, the officer's reply and what changed since it was returned.
        structure = assessment_structure(assessment=assessment, with_detail=True)
        thread = review_threads(structure=structure)[bank.themes[0].id]
        assert [(e.kind, e.note) for e in thread.events] == [
            (AssessmentEvent.Kind.THEME_RETURNED, "Add the device policy"),
            (AssessmentEvent.Kind.THEME_RESUBMITTED, "Policy added as evidence"),
        ]
        assert [(c.question.key, c.changes) for c in thread.changed] == [("devices", ["level 3 → level 4"])]

    def test_a_lead_can_return_more_themes_while_the_first_is_being_changed_and_accepts_once_resubmitted(
        self, assessment, bank, council
    ):
        # Returning one theme reopened the assessment and refused every other return until the officer
        # resubmitted: a lead with three themes to send back needed three rounds.
        submit_all(assessment, bank, council.officer)
        theme_return(assessment=assessment, theme=bank.themes[0], lead=council.lead, comment="Add the device policy")
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.DRAFT and themes_can_be_returned(assessment=assessment)
        theme_return(assessment=assessment, theme=bank.themes[1], lead=council.lead, comment="Backups untested?")
        # Accepting waits for the resubmission: answers can still change, and accepting the last returned theme
        # would leave a draft that nobody is asked to resubmit.
        with pytest.raises(AssessmentStateError):
            theme_accept(assessment=assessment, theme=bank.themes[1], lead=council.lead)
        assert set(ThemeReview.objects.values_list("theme__key", "status")) == {
            ("hybrid-working", "returned"), ("cyber-security", "returned")
        }  # fmt: skip
        replies = {theme.id: "" for theme in bank.themes}
        assessment_submit(assessment=assessment, user=council.officer, replies=replies)
        assessment.refresh_from_db()
        assert not ThemeReview.objects.exists()  # both back for review
        theme_accept(assessment=assessment, theme=bank.themes[1], lead=council.lead)
        earlier = AssessmentFactory(organisation=assessment.organisation, bank_version=bank.version, period="2024/25")
        assert not themes_can_be_returned(assessment=earlier)  # a draft nobody returned is not under review

    @pytest.mark.parametrize(
        ("meanwhile", "not_accepted"),
        [
            ("nothing", ["cyber-security"]),
            ("an answer changed", ["hybrid-working", "cyber-security"]),
            ("an evidence item removed", ["hybrid-working", "cyber-security"]),
        ],
    )
    def test_an_accepted_theme_changed_while_another_was_returned_is_back_for_review(
        self, assessment, bank, council, meanwhile, not_accepted
    ):
        # While the assessment was back with the officers for one theme, they changed a theme the lead had
        # already accepted; it stayed accepted and was signed off without the lead seeing the change.
        submit_all(assessment, bank, council.officer)
        hybrid, cyber = bank.themes
        answer = Answer.objects.get(assessment=assessment, question=bank.questions[0])  # in hybrid working
        item = EvidenceItemFactory(answer=answer)
        theme_accept(assessment=assessment, theme=hybrid, lead=council.lead)
        theme_return(assessment=assessment, theme=cyber, lead=council.lead, comment="Backups untested?")
        if meanwhile == "an answer changed":
            change = AnswerChange(bank.questions[0], 1, False, "", expected_version=answer.version)
            answers_save(assessment=assessment, user=council.officer, changes=[change])
        elif meanwhile == "an evidence item removed":
            evidence_item_remove(item=item, user=council.officer)
        assessment_submit(assessment=assessment, user=council.officer, replies={cyber.id: ""})
        assert [t.key for t in themes_not_accepted(assessment=assessment)] == not_accepted

    def test_a_theme_returned_after_the_officer_opened_the_page_is_not_submitted_unseen(
        self, assessment, bank, council
    ):
        submit_all(assessment, bank, council.officer)
        hybrid, cyber = bank.themes
        theme_return(assessment=assessment, theme=hybrid, lead=council.lead, comment="Device policy?")
        shown = {hybrid.id: "Added"}  # the officer opens the check page; then the lead returns cyber security
        theme_return(assessment=assessment, theme=cyber, lead=council.lead, comment="Backups untested?")
        with pytest.raises(ReturnedThemesUnseen) as unseen:
            assessment_submit(assessment=assessment, user=council.officer, replies=shown)
        assert unseen.value.themes == [cyber]
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.DRAFT and ThemeReview.objects.count() == 2

    def test_changes_between_two_returns_of_a_theme_are_still_shown(self, assessment, bank, council):
        # Returning a theme again moved "changed since it was returned" to the second return, hiding what the
        # officer had changed after the first.
        submit_all(assessment, bank, council.officer)
        hybrid = bank.themes[0]
        theme_return(assessment=assessment, theme=hybrid, lead=council.lead, comment="Device policy?")
        answer = Answer.objects.get(assessment=assessment, question=bank.questions[0])
        change = AnswerChange(bank.questions[0], 2, False, "", expected_version=answer.version)
        answers_save(assessment=assessment, user=council.officer, changes=[change])
        theme_return(assessment=assessment, theme=hybrid, lead=council.lead, comment="And the laptop count")
        thread = review_threads(structure=assessment_structure(assessment=assessment))[hybrid.id]
        assert [(c.question.key, c.changes) for c in thread.changed] == [("devices", ["level 3 → level 2"])]

    def test_answers_written_without_history_are_not_changed_since_the_return_until_saved(
        self, assessment, bank, council
    ):
        # Answers written in bulk (the demo data) have no history: the lead's review said every one of them had
        # changed ("not answered → level 3") the moment the theme was returned.
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=q, level=3, evidence="Carried", answered_at=timezone.now())
            for q in bank.questions
        )
        assessment_submit(assessment=assessment, user=council.officer)
        theme_return(assessment=assessment, theme=bank.themes[0], lead=council.lead, comment="Check devices")
        threads = review_threads(structure=assessment_structure(assessment=assessment))
        assert threads[bank.themes[0].id].changed == []
        answer = Answer.objects.get(assessment=assessment, question=bank.questions[0])
        change = AnswerChange(
            question=bank.questions[0],
            level=2,
            not_applicable=False,
            evidence="Carried",
            expected_version=answer.version,
        )
        answers_save(assessment=assessment, user=council.officer, changes=[change])
        threads = review_threads(structure=assessment_structure(assessment=assessment))
        assert [(c.question.key, c.changes) for c in threads[bank.themes[0].id].changed] == [
            ("devices", ["saved since it was returned, now level 2"])
        ]

    def test_signing_off_with_themes_nobody_accepted_needs_confirming_and_is_recorded(self, assessment, bank, council):
        submit_all(assessment, bank, council.officer)
        theme_accept(assessment=assessment, theme=bank.themes[0], lead=council.lead)
        with pytest.raises(UnreviewedThemes) as unreviewed:
            assessment_sign_off(assessment=assessment, lead=council.lead)
        assert [t.key for t in unreviewed.value.themes] == ["cyber-security"]
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.SUBMITTED
        assessment_sign_off(assessment=assessment, lead=council.lead, without_review=True)
        event = assessment.events.get(kind=AssessmentEvent.Kind.SIGNED_OFF)
        assert event.note == "Signed off without reviewing: Cyber security"

    def test_returning_needs_a_comment_and_a_lead(self, assessment, bank, council):
        submit_all(assessment, bank, council.officer)
        with pytest.raises(ValidationError):
            theme_return(assessment=assessment, theme=bank.themes[0], lead=council.lead, comment="  ")
        with pytest.raises(PermissionDenied):
            theme_return(assessment=assessment, theme=bank.themes[0], lead=council.officer, comment="No")

    def test_sign_off_locks_and_reopening_needs_a_reason_that_is_recorded(self, assessment, bank, council):
        with pytest.raises(AssessmentStateError):
            assessment_sign_off(assessment=assessment, lead=council.lead)  # not submitted yet
        submit_all(assessment, bank, council.officer)
        for theme in bank.themes:
            theme_accept(assessment=assessment, theme=theme, lead=council.lead)
        assessment_sign_off(assessment=assessment, lead=council.lead)
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.SIGNED_OFF and assessment.signed_off_by == council.lead
        assert assessment.events.get(kind=AssessmentEvent.Kind.SIGNED_OFF).note == ""
        with pytest.raises(AssessmentLocked):
            answers_save(assessment=assessment, user=council.officer, changes=[
                AnswerChange(question=bank.questions[0], level=1, not_applicable=False, evidence="")
            ])  # fmt: skip
        with pytest.raises(ValidationError):
            assessment_reopen(assessment=assessment, lead=council.lead, reason="")
        assessment_reopen(assessment=assessment, lead=council.lead, reason="Audit found a wrong answer")
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.DRAFT
        assert assessment.events.get(kind=AssessmentEvent.Kind.REOPENED).note == "Audit found a wrong answer"


class TestNextCycle:
    def test_answers_carry_forward_by_key_following_replaces_until_touched(self, assessment, bank, council):
        submit_all(assessment, bank, council.officer)
        EvidenceItemFactory(answer=Answer.objects.get(assessment=assessment, question=bank.questions[0]))
        Action.objects.create(assessment=assessment, text="Open action", owner="IT")
        Action.objects.create(assessment=assessment, text="Finished", owner="IT", status=Action.Status.DONE)
        # A new version of the bank: "devices" is reworded as "end-user-devices", which replaces it.
        bank.version.status = "retired"
        bank.version.save()
        new_version = BankVersionFactory(bank=bank.version.bank)
        theme = ThemeFactory(version=new_version, key="hybrid-working")
        reworded = QuestionFactory(theme=theme, key="end-user-devices", replaces=["devices"])
        QuestionFactory(theme=theme, key="backups")
        QuestionFactory(theme=theme, key="brand-new")

        following = assessment_start_next_cycle(previous=assessment, user=council.lead, period="2027/28")

        assert following.bank_version == new_version and following.previous == assessment
        answers = {a.question.key: a for a in following.answers.select_related("question")}
        assert set(answers) == {"end-user-devices", "backups"}  # brand-new has nothing to carry
        assert all(a.carried_forward and a.level == 3 for a in answers.values())
        assert answers["end-user-devices"].evidence_items.count() == 1
        assert [a.text for a in following.actions.all()] == ["Open action"]

        confirm = AnswerChange(
            question=reworded,
            level=3,
            not_applicable=False,
            evidence="",
            expected_version=answers["end-user-devices"].version,
        )
        (touched,) = answers_save(assessment=following, user=council.officer, changes=[confirm])
        assert not touched.carried_forward  # confirmed, even though nothing changed

    def test_the_next_period_must_come_later(self, assessment, bank, council):
        submit_all(assessment, bank, council.officer)
        with pytest.raises(ValidationError, match="after 2026/27"):
            assessment_start_next_cycle(previous=assessment, user=council.lead, period="2025/26")


def test_only_leads_create_actions(assessment, council):
    with pytest.raises(PermissionDenied):
        action_create(assessment=assessment, user=council.officer, question_key="", text="x", owner="y", due_date=None)
    action = action_create(
        assessment=assessment, user=council.lead, question_key="devices", text="Do it", owner="IT", due_date=None
    )
    assert action.status == Action.Status.OPEN


def test_the_same_action_sent_twice_is_taken_on_once(assessment, council):
    take_on = {"assessment": assessment, "user": council.lead, "question_key": "devices", "text": "Replace the routers",
               "owner": "Head of IT", "due_date": None}  # fmt: skip
    first = action_create(**take_on)
    assert action_create(**take_on) == first
    action_create(**(take_on | {"owner": "Network team"}))  # a second, different action on the same question
    assert Action.objects.filter(assessment=assessment).count() == 2
