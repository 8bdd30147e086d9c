import datetime

import pytest
from django.core.management import CommandError, call_command

from assessment.models import Answer, Assessment, BankVersion, EvidenceItem, Membership, Organisation, User
from assessment.services.demo import DEMO_PASSWORD, GENERAL_NOTES, SYNTHETIC_COUNCILS, THEME_EVIDENCE


@pytest.mark.django_db
def test_load_question_bank_and_seed_demo_are_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("load_question_bank")
    call_command("seed_demo")
    call_command("load_question_bank")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "edition-2: already loaded as version 2 (published" in output
    assert "edition-1: already loaded as version 1 (retired" in output
    assert DEMO_PASSWORD in output and "officer@exampleshire.example" in output
    assert BankVersion.objects.count() == 2
    assert Organisation.objects.count() == 2 + len(SYNTHETIC_COUNCILS)
    assert User.objects.count() == 5
    assert Membership.objects.count() == 4
    assert Membership.objects.get(user__email="admin@exampleshire.example").role == "organisation_admin"
    # Two past years on version 1 for Exampleshire and each synthetic council, one for Sampleton, and this year on
    # version 2 for the synthetic councils: nothing doubled.
    assert Assessment.objects.count() == 2 * (1 + len(SYNTHETIC_COUNCILS)) + 1 + len(SYNTHETIC_COUNCILS)
    exampleshire = Assessment.objects.filter(organisation__name="Exampleshire County Council")
    assert {a.bank_version.number for a in exampleshire} == {1}
    assessment = Assessment.objects.get(organisation__name="Sampleton District Council")
    assert assessment.period == "2025/26" and assessment.status == Assessment.Status.SUBMITTED
    signed_off = Assessment.objects.filter(status=Assessment.Status.SIGNED_OFF)
    assert signed_off.count() == 2 * (1 + len(SYNTHETIC_COUNCILS)) + len(SYNTHETIC_COUNCILS)
    assert all(a.score_records.exists() for a in signed_off)
    applicable = [q for q in assessment.bank_version.questions.all() if "district" in q.applies_to]
    answers = Answer.objects.filter(assessment=assessment)
    assert answers.count() == len(applicable)
    assert all(a.level is not None or a.is_not_applicable for a in answers)
    assert User.objects.get(email="admin@platform.example").is_staff


@pytest.mark.django_db
@pytest.mark.parametrize("seeded_before_as_staff", [False, True])
def test_the_demo_councils_administrator_signs_in_as_a_council_member_not_a_platform_administrator(
    client, settings, seeded_before_as_staff
):
    settings.DEBUG = True
    call_command("load_question_bank", verbosity=0)
    if seeded_before_as_staff:
        User.objects.create_superuser(email="admin@exampleshire.example", password=DEMO_PASSWORD)
    call_command("seed_demo")

    response = client.post("/accounts/sign-in/", {"username": "admin@exampleshire.example", "password": DEMO_PASSWORD})

    council_admin = User.objects.get(email="admin@exampleshire.example")
    assert not council_admin.is_staff and not council_admin.is_superuser
    assert response.url == "/"  # straight in: no two-factor set-up, which platform administrators must do
    assert client.get("/admin/").status_code == 302  # the admin site sends them to sign in as staff


@pytest.mark.django_db
def test_the_demo_status_history_has_the_dates_its_assessments_show(settings):
    settings.DEBUG = True
    call_command("load_question_bank", verbosity=0)
    call_command("seed_demo")

    for assessment in Assessment.objects.exclude(status=Assessment.Status.DRAFT):
        dated = {event.kind: event.created_at for event in assessment.events.all()}
        assert dated["submitted"] == assessment.submitted_at
        assert dated.get("signed_off") == assessment.signed_off_at


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_answers_cite_evidence_about_their_own_theme(settings):
    """A demo cyber security answer once carried the staff survey about working from anywhere."""
    settings.DEBUG = True
    call_command("load_question_bank", verbosity=0)
    call_command("seed_demo", verbosity=0)
    themed = {text: theme for theme, pair in THEME_EVIDENCE.items() for text in pair}
    answers = Answer.objects.filter(assessment__organisation__name="Exampleshire County Council")
    misplaced = [
        (answer.question.key, text)
        for answer in answers.select_related("question__theme").prefetch_related("evidence_items")
        for text in [answer.evidence, *(item.description for item in answer.evidence_items.all())]
        if text in themed and themed[text] != answer.question.theme.key
    ]
    assert misplaced == []
    assert any(answer.evidence == THEME_EVIDENCE["cyber-security"][0] for answer in answers)


@pytest.mark.django_db
def test_demo_notes_fit_the_level_and_past_years_are_dated_in_their_year(settings):
    """A level 1 answer ("not mentioned in the council plan") once had the note "Digital strategy approved by
    Cabinet", and a 2024/25 assessment had evidence dated and submitted today."""
    settings.DEBUG = True
    call_command("load_question_bank", verbosity=0)
    call_command("seed_demo", verbosity=0)
    in_place = {text for pair in THEME_EVIDENCE.values() for text in pair} | set(GENERAL_NOTES) - {""}
    low = Answer.objects.filter(level__lte=2)
    assert low.exists() and not low.filter(evidence__in=in_place).exists()
    assert not EvidenceItem.objects.filter(answer__level__lte=2).exists()
    past = Assessment.objects.get(organisation__name="Exampleshire County Council", period="2024/25")
    assert past.submitted_at.date() <= datetime.date(2025, 3, 31) and past.signed_off_at >= past.submitted_at
    assert not EvidenceItem.objects.filter(answer__assessment=past, dated__gt=datetime.date(2025, 3, 31)).exists()
