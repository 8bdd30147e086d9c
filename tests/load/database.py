"""The load test's database work, run with the app servers' settings:

- `seed N plan.json`: officers and assessments, and the plan of who saves which questions, for the locust users.
  Several officers share each assessment, each saving their own questions; two more share one question, so
  that their saves conflict (409) as a real pair's would.
- `verify acks.jsonl`: every save that got a success response is in the answer's history with exactly the value
  sent, at the version the response gave. Prints the number of saves checked and lost.
"""

import json
import sys
from pathlib import Path

OFFICERS_PER_ASSESSMENT = 5
PASSWORD = "load-test-password-9137"


def seed(officers: int, plan_path: Path) -> None:
    from django.contrib.auth.hashers import make_password

    from assessment.models import Assessment, BankVersion, Membership, Organisation, User

    version = BankVersion.objects.filter(status=BankVersion.Status.PUBLISHED).order_by("-published_at").first()
    assert version is not None, "load_question_bank first"
    questions = list(version.questions.select_related("theme").order_by("theme__position", "position"))
    county = [q for q in questions if not q.applies_to or "county" in q.applies_to]
    password = make_password(PASSWORD)
    plan = []
    assessments = (officers + OFFICERS_PER_ASSESSMENT - 1) // OFFICERS_PER_ASSESSMENT
    for a in range(assessments):
        council = Organisation.objects.create(
            name=f"Loadtest Council {a + 1}", council_type="county", nation="england", region="South West"
        )
        people = min(OFFICERS_PER_ASSESSMENT, officers - a * OFFICERS_PER_ASSESSMENT)
        users = [
            User.objects.create(email=f"officer{a + 1}-{i + 1}@load.example", full_name=f"Officer {i + 1}",
                                password=password)
            for i in range(people)
        ]  # fmt: skip
        for user in users:
            Membership.objects.create(user=user, organisation=council, role=Membership.Role.OFFICER)
        assessment = Assessment.objects.create(
            organisation=council, bank_version=version, period="2026/27", created_by=users[0]
        )
        shared = county[0]  # the pair's question; nobody else saves it
        for i, user in enumerate(users):
            own = county[1 + i :: people]
            plan.append(_person(user, assessment, own, theme=own[0].theme.key))
        if a == 0:
            for i in range(2):
                user = User.objects.create(email=f"pair-{i + 1}@load.example", full_name=f"Pair {i + 1}",
                                           password=password)  # fmt: skip
                Membership.objects.create(user=user, organisation=council, role=Membership.Role.OFFICER)
                plan.append(_person(user, assessment, [shared], theme=shared.theme.key, pair=True))
    plan_path.write_text(json.dumps(plan))


def _person(user, assessment, questions, *, theme: str, pair: bool = False) -> dict:
    return {
        "email": user.email,
        "password": PASSWORD,
        "assessment": assessment.pk,
        "theme": theme,
        "questions": [q.pk for q in questions],
        "pair": pair,
    }


def verify(acks_path: Path) -> None:
    from assessment.models import Answer

    stored = {
        (row["assessment_id"], row["question_id"], row["version"]): (row["level"], row["evidence"])
        for row in Answer.history.filter(assessment__organisation__name__startswith="Loadtest Council").values(
            "assessment_id", "question_id", "version", "level", "evidence"
        )
    }
    acks = [json.loads(line) for line in acks_path.read_text().splitlines() if line.strip()]
    lost = [
        ack for ack in acks
        if stored.get((ack["assessment"], ack["question"], ack["version"])) != (int(ack["level"]), ack["evidence"])
    ]  # fmt: skip
    print(json.dumps({"checked": len(acks), "lost": len(lost), "examples": lost[:3]}))


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        verify(Path(sys.argv[2]))
