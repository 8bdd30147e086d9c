"""Demo data for local runs: two councils, their people, and one submitted assessment to look at."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessment.models import Answer, Assessment, BankVersion, Membership, Organisation, User
from assessment.services.question_banks import editors_group_ensure

DEMO_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - printed for local demo use only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    description: str


DEMO_LOGINS = [
    DemoLogin("officer@exampleshire.example", "Olu Officer", "Officer, Exampleshire County Council"),
    DemoLogin("lead@exampleshire.example", "Lee Lead", "Lead, Exampleshire County Council"),
    DemoLogin(
        "officer@sampleton.example",
        "Sam Officer",
        "Officer, Sampleton District Council (has a submitted 2025/26 assessment)",
    ),
    DemoLogin("admin@platform.example", "Ada Admin", "Platform administrator and question bank editor"),
]

EVIDENCE_SNIPPETS = [
    "Digital strategy 2024–27 approved by Cabinet in March 2024; see section 4 and the delivery plan appendix.",
    "Quarterly performance report to the corporate leadership team (last three reports on the intranet).",
    "Internal audit report IA-2025-07 found the controls effective, with two minor actions now closed.",
    "Staff survey, autumn 2025: 71% agreed they have the tools they need to work from anywhere.",
    "Service design playbook published on the council website; used on the garden waste and parking permit redesigns.",
    "Data sharing agreement with the integrated care board signed June 2025; "
    "reviewed annually by the Caldicott Guardian.",
    "",
]


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
    people = {login.email: _user(login.email, login.name, staff="admin@" in login.email) for login in DEMO_LOGINS}
    people["admin@platform.example"].groups.add(editors_group_ensure())
    for email, organisation, role in [
        ("officer@exampleshire.example", exampleshire, Membership.Role.OFFICER),
        ("lead@exampleshire.example", exampleshire, Membership.Role.LEAD),
        ("officer@sampleton.example", sampleton, Membership.Role.OFFICER),
    ]:
        Membership.objects.get_or_create(user=people[email], organisation=organisation, defaults={"role": role})

    version = BankVersion.objects.filter(status=BankVersion.Status.PUBLISHED).order_by("-published_at").first()
    if version is None:
        raise RuntimeError("Load the question bank first: python manage.py load_question_bank")
    officer = people["officer@sampleton.example"]
    assessment = Assessment.objects.filter(organisation=sampleton, period="2025/26").first()
    if assessment is None:
        assessment = Assessment.objects.create(
            organisation=sampleton, bank_version=version, period="2025/26", created_by=officer
        )
        now = timezone.now()
        answers = []
        for question in version.questions.all():
            if not question.applies_to_council_type(sampleton.council_type):
                continue
            not_applicable = question.allows_not_applicable and _pick(question.key, "na", 4) == 0
            answers.append(
                Answer(
                    assessment=assessment,
                    question=question,
                    level=None
                    if not_applicable
                    else 1 + _pick(question.key, "level", 4) + _pick(question.key, "up", 2),
                    is_not_applicable=not_applicable,
                    evidence=EVIDENCE_SNIPPETS[_pick(question.key, "evidence", len(EVIDENCE_SNIPPETS))],
                    answered_by=officer,
                    answered_at=now,
                )
            )
        Answer.objects.bulk_create(answers)
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = now
        assessment.submitted_by = officer
        assessment.save()
    return DEMO_LOGINS
