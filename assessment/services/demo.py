"""Demo data for local runs: two councils, their people, and one submitted assessment to look at."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessment.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    BankVersion,
    EvidenceItem,
    Membership,
    Organisation,
    User,
)
from assessment.services.question_banks import editors_group_ensure
from assessment.services.reviews import on_submitted
from assessment.services.scoring import UNVERIFIED_FROM_LEVEL

DEMO_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - printed for local demo use only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    description: str
    platform_admin: bool = False  # staff: the admin site, the sector view and two-factor authentication


DEMO_LOGINS = [
    DemoLogin("officer@exampleshire.example", "Olu Officer", "Officer, Exampleshire County Council"),
    DemoLogin("lead@exampleshire.example", "Lee Lead", "Lead, Exampleshire County Council"),
    DemoLogin(
        "admin@exampleshire.example",
        "Ade Administrator",
        "Organisation administrator, Exampleshire County Council (invites people and manages roles)",
    ),
    DemoLogin(
        "officer@sampleton.example",
        "Sam Officer",
        "Officer, Sampleton District Council (has a submitted 2025/26 assessment)",
    ),
    DemoLogin(
        "admin@platform.example",
        "Ada Admin",
        "Platform administrator and question bank editor (sets up an authenticator app at first sign-in)",
        platform_admin=True,
    ),
]

SYNTHETIC_COUNCILS = [
    ("Northmoor County Council", "county", "england", "North West", 0),
    ("Westvale County Council", "county", "england", "South West", 1),
    ("Eastbrook County Council", "county", "england", "East of England", 0),
    ("Southdown County Council", "county", "england", "South East", -1),
    ("Highfield County Council", "county", "england", "East Midlands", 0),
    ("Lowater District Council", "district", "england", "East of England", -1),
    ("Fernley District Council", "district", "england", "South East", 0),
    ("Riverbank Unitary Council", "unitary", "england", "North East", 1),
    ("Hillcrest Unitary Council", "unitary", "england", "West Midlands", 0),
    ("Cwm Teg County Borough Council", "welsh_principal", "wales", "South Wales", 0),
]

# Each theme's notes and evidence item are about that theme as a whole, so a demo answer reads as a council's
# would; the general ones fit any question. They describe something in place, so they go with answers at level 3
# or above; answers at level 1 or 2 get notes that say what is missing. (Themes by key, in either edition.)
THEME_EVIDENCE = {
    "leadership-strategy-culture": (
        "Digital strategy 2024–27 approved by Cabinet in March 2024; progress reported to the corporate leadership "
        "team each quarter.",
        "Digital strategy approved by Cabinet",
    ),
    "workforce-hybrid-working": (
        "Staff survey, autumn 2025: 71% agreed they have the tools they need to work from anywhere.",
        "Hybrid working policy and staff survey results",
    ),
    "online-services-design": (
        "Service design playbook published on the council website; used on the garden waste and parking permit "
        "redesigns.",
        "Service design playbook",
    ),
    "digital-inclusion-accessibility": (
        "Digital inclusion map shared with libraries and the voluntary sector; the website's accessibility "
        "statement was reviewed in 2025.",
        "Accessibility audit of the website against WCAG 2.2",
    ),
    "data-integration-standards": (
        "Information asset register covers every service; data sharing agreements are reviewed each year by the "
        "data protection officer.",
        "Information asset register",
    ),
    "data-analysis-insight": (
        "Monthly performance dashboard built from the data warehouse and used at the corporate leadership team "
        "meeting.",
        "Corporate performance dashboard",
    ),
    "care-homes-adult-social-care": (
        "Data sharing agreement with the integrated care board signed June 2025; reviewed annually by the "
        "Caldicott Guardian.",
        "Data sharing agreement with the integrated care board",
    ),
    "automation-ai": (
        "Three automations in revenues and benefits, with the hours saved tracked against each business case.",
        "Automation benefits log",
    ),
    "ethics-algorithms": (
        "Algorithmic transparency records published for the two tools that support decisions about residents.",
        "Algorithmic transparency records",
    ),
    "cyber-security": (
        "Cyber security annual report to the audit committee; the senior information risk owner tracks each of its "
        "actions to closure.",
        "Cyber security annual report to the audit committee",
    ),
    "infrastructure-place-technology": (
        "Gigabit coverage plan agreed with the county broadband programme; every public building is on the shared "
        "network.",
        "Network and connectivity plan",
    ),
    "collaboration-partnerships": (
        "Shared digital services agreement with two neighbouring councils; the joint board meets quarterly.",
        "Shared digital services agreement",
    ),
    "sustainability-social-value": (
        "The device reuse and recycling contract reports the carbon saved each quarter.",
        "IT sustainability report",
    ),
    "recovery-four-pillars": (
        "Recovery plan after the pandemic reviewed by Cabinet; lessons from remote delivery kept in the operating "
        "model.",
        "Recovery and renewal plan",
    ),
}
GENERAL_NOTES = [
    "Internal audit report IA-2025-07 found the controls effective, with two minor actions now closed.",
    "Quarterly performance report to the corporate leadership team (last three reports on the intranet).",
    "",  # some answers have no notes
]
GENERAL_ITEMS = ["Internal audit report with actions tracked to closure", "Quarterly performance report"]
LOW_LEVEL_NOTES = [
    "Done in some services but not others; there is no council-wide approach or owner yet.",
    "Not in place yet: a proposal goes to the corporate leadership team next quarter.",
    "",
]


def _demo_text(seed: str, themed: str | None, general: list[str]) -> str:
    """`themed` (about the answer's theme) for two picks in 2 + len(general), otherwise one of `general`."""
    pick = _pick(seed, "text", 2 + len(general))
    return themed if pick < 2 and themed is not None else general[pick % len(general)]


def _pick(key: str, salt: str, modulo: int) -> int:
    digest = hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()
    return int(digest[:8], 16) % modulo


def _user(email: str, name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if staff:
            user = User.objects.create_superuser(email=email, password=DEMO_PASSWORD, full_name=name)
        else:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
    elif (user.is_staff, user.is_superuser) != (staff, staff):
        # Seeded again: each account's standing is what DEMO_LOGINS says, whatever an older seed gave it.
        user.is_staff = user.is_superuser = staff
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    """Create the demo councils, people and Sampleton's submitted assessment. Safe to run again."""
    exampleshire, _ = Organisation.objects.get_or_create(
        name="Exampleshire County Council",
        defaults={
            "council_type": Organisation.CouncilType.COUNTY,
            "nation": Organisation.Nation.ENGLAND,
            "region": "South West",
        },
    )
    sampleton, _ = Organisation.objects.get_or_create(
        name="Sampleton District Council",
        defaults={
            "council_type": Organisation.CouncilType.DISTRICT,
            "nation": Organisation.Nation.ENGLAND,
            "region": "East of England",
        },
    )
    people = {login.email: _user(login.email, login.name, staff=login.platform_admin) for login in DEMO_LOGINS}
    people["admin@platform.example"].groups.add(editors_group_ensure())
    for email, organisation, role in [
        ("officer@exampleshire.example", exampleshire, Membership.Role.OFFICER),
        ("lead@exampleshire.example", exampleshire, Membership.Role.LEAD),
        ("admin@exampleshire.example", exampleshire, Membership.Role.ORGANISATION_ADMIN),
        ("officer@sampleton.example", sampleton, Membership.Role.OFFICER),
    ]:
        Membership.objects.get_or_create(user=people[email], organisation=organisation, defaults={"role": role})

    current = BankVersion.objects.filter(status=BankVersion.Status.PUBLISHED).order_by("-published_at").first()
    if current is None:
        raise RuntimeError("Load the question bank first: python manage.py load_question_bank")
    # Past years were answered on the bank's first version, so a next cycle in the demo carries answers across
    # editions; the synthetic councils have also finished this year on the current version, for benchmarks.
    version = current.bank.versions.order_by("number").first() or current
    questions = list(version.questions.select_related("theme"))
    _complete_assessment(sampleton, version, questions, "2025/26", people["officer@sampleton.example"], None, 0)
    lead = people["lead@exampleshire.example"]
    officer = people["officer@exampleshire.example"]
    _complete_assessment(exampleshire, version, questions, "2024/25", officer, lead, -1)
    _complete_assessment(exampleshire, version, questions, "2025/26", officer, lead, 0)

    # Synthetic councils, so the demo shows peer benchmarks and trends. None of them has any users.
    current_questions = list(current.questions.select_related("theme"))
    for name, council_type, nation, region, base in SYNTHETIC_COUNCILS:
        council, _ = Organisation.objects.get_or_create(
            name=name, defaults={"council_type": council_type, "nation": nation, "region": region}
        )
        _complete_assessment(council, version, questions, "2024/25", None, None, base - 1)
        _complete_assessment(council, version, questions, "2025/26", None, None, base)
        if current != version:
            _complete_assessment(council, current, current_questions, "2026/27", None, None, base + 1)
    return DEMO_LOGINS


def _complete_assessment(organisation, version, questions, period, officer, lead, offset: int) -> Assessment:
    """A fully answered assessment, submitted; signed off too when it has a lead, or no people at all (the
    synthetic councils). `offset` nudges every level up or down, so councils and years differ."""
    existing = Assessment.objects.filter(organisation=organisation, period=period).first()
    if existing is not None:
        return existing
    assessment = Assessment.objects.create(
        organisation=organisation, bank_version=version, period=period, created_by=officer
    )
    # A past year's assessment was answered and submitted in its own year, not today.
    now = timezone.now()
    year_end = timezone.make_aware(datetime.datetime(int(period[:4]) + 1, 3, 20, 10, 0))
    submitted = min(now, year_end)
    answered = submitted - datetime.timedelta(days=14)
    answers = []
    for question in questions:
        if not question.applies_to_council_type(organisation.council_type):
            continue
        seed = f"{organisation.name}:{question.key}"
        not_applicable = question.allows_not_applicable and _pick(seed, "na", 6) == 0
        level = min(5, max(1, 1 + _pick(question.key, "level", 4) + _pick(seed, "up", 2) + offset))
        in_place = level >= UNVERIFIED_FROM_LEVEL
        answers.append(
            Answer(
                assessment=assessment,
                question=question,
                level=None if not_applicable else level,
                is_not_applicable=not_applicable,
                evidence=_demo_text(
                    f"{seed}:note",
                    THEME_EVIDENCE.get(question.theme.key, (None, None))[0] if in_place else None,
                    GENERAL_NOTES if in_place else LOW_LEVEL_NOTES,
                ),
                answered_by=officer,
                answered_at=answered,
            )
        )
    Answer.objects.bulk_create(answers)
    EvidenceItem.objects.bulk_create(
        EvidenceItem(
            answer=answer,
            description=_demo_text(
                f"{organisation.name}:{answer.question_id}:item",
                THEME_EVIDENCE.get(answer.question.theme.key, (None, None))[1],
                GENERAL_ITEMS,
            ),
            owner="Head of digital",
            dated=answered.date(),
            added_by=officer,
        )
        for answer in Answer.objects.filter(assessment=assessment, level__gte=UNVERIFIED_FROM_LEVEL).select_related(
            "question__theme"
        )
        if _pick(f"{organisation.name}:{answer.question_id}", "verified", 5) != 0
    )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = submitted
    assessment.submitted_by = officer
    assessment.save()
    on_submitted(assessment=assessment, user=officer)  # records the event and stores the scores
    if lead is not None or officer is None:
        assessment.status = Assessment.Status.SIGNED_OFF
        assessment.signed_off_at = min(now, submitted + datetime.timedelta(days=7))
        assessment.signed_off_by = lead
        assessment.save()
        AssessmentEvent.objects.create(assessment=assessment, kind=AssessmentEvent.Kind.SIGNED_OFF, actor=lead)
    # The status history dated as the demo's story has it, not when the demo was loaded, so that it agrees with
    # the submitted and signed-off dates the report shows beside it.
    events = AssessmentEvent.objects.filter(assessment=assessment)
    events.filter(kind=AssessmentEvent.Kind.SUBMITTED).update(created_at=assessment.submitted_at)
    events.filter(kind=AssessmentEvent.Kind.SIGNED_OFF).update(created_at=assessment.signed_off_at)
    return assessment
