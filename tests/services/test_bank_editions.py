"""The shipped editions of the sector bank: edition 2 follows the content rules, loads beside edition 1 without
changing it, and a council's next cycle carries its answers from edition 1 into edition 2."""

import json
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessment.models import Answer, Assessment, BankVersion, Question
from assessment.services.bank_files import bank_directory_read, bank_file_parse, shipped_editions
from assessment.services.bank_schema import QuestionBankInvalid, bank_file_validate
from assessment.services.cycles import assessment_start_next_cycle
from assessment.services.question_banks import (
    bank_version_export,
    bank_version_serialise,
    question_bank_import,
    question_bank_load,
    question_bank_load_shipped,
)

EDITION_1, EDITION_2 = shipped_editions()


def edition(path):
    return bank_file_validate(data=bank_directory_read(path=path))


def test_edition_2_follows_the_content_rules():
    bank = edition(EDITION_2)
    questions = [q for theme in bank.themes for q in theme.questions]
    assert len(bank.themes) == 13
    for theme in bank.themes:
        assert 6 <= len(theme.questions) <= 12, theme.key
        assert theme.short_title and theme.default_target in (1, 2, 3, 4, 5)
    # The pillars are a lens, not a theme: only the unique questions survive, in their own theme.
    assert "recovery-four-pillars" not in {t.key for t in bank.themes}
    assert "sustainability-social-value" in {t.key for t in bank.themes}
    critical = [(t.key, q.key) for t in bank.themes for q in t.questions if q.critical]
    assert len(critical) >= 6 and {t for t, _ in critical} == {"cyber-security", "care-homes-adult-social-care"}
    assert all(q.sources or q.frameworks for q in questions)
    # No recommendation repeated anywhere, at any level, in any question.
    texts = Counter(" ".join(r.text.split()) for q in questions for r in q.recommendations)
    assert [text for text, count in texts.items() if count > 1] == []
    # Effort is the action's own, not a rule of thumb by level: every level has steps of more than one size,
    # and the big baseline steps are not called quick wins.
    for level in range(5):
        assert len({q.recommendations[level].effort for q in questions}) > 1
    big_steps = [
        r
        for q in questions
        for r in q.recommendations
        if re.search(r"(Bring|Complete|Reach)[^.]*DSPT|(Turn on|Extend|Roll out|Require) MFA", r.text)
    ]
    assert big_steps and all(r.effort != "quick_win" for r in big_steps)


def test_every_edition_1_question_is_kept_or_absorbed_by_exactly_one_edition_2_question():
    old_keys = {q.key for theme in edition(EDITION_1).themes for q in theme.questions}
    new = [q for theme in edition(EDITION_2).themes for q in theme.questions]
    absorbed = Counter(key for q in new for key in q.replaces)
    assert max(absorbed.values()) == 1
    assert old_keys <= {q.key for q in new} | set(absorbed)
    assert set(absorbed) <= old_keys


@pytest.mark.django_db
def test_a_fresh_database_gets_edition_1_then_edition_2_and_loading_again_changes_nothing():
    first = question_bank_load_shipped()
    assert [(r.version.number, r.created) for r in first] == [(1, True), (2, True)]
    v1, v2 = (r.version for r in first)
    v1.refresh_from_db()
    assert v1.status == BankVersion.Status.RETIRED and v2.status == BankVersion.Status.PUBLISHED
    again = question_bank_load_shipped()
    assert [(r.version.number, r.created) for r in again] == [(1, False), (2, False)]
    assert BankVersion.objects.count() == 2


@pytest.mark.django_db
def test_on_a_database_that_has_edition_1_edition_2_is_published_beside_it(council):
    v1 = question_bank_load(path=EDITION_1).version
    started = Assessment.objects.create(organisation=council.organisation, bank_version=v1, period="2025/26")
    results = question_bank_load_shipped()
    assert [(r.version.number, r.created) for r in results] == [(1, False), (2, True)]
    v1.refresh_from_db()
    assert v1.status == BankVersion.Status.RETIRED
    started.refresh_from_db()
    assert started.bank_version == v1  # an assessment keeps the version it was answered against
    assert Question.objects.filter(version=v1).count() == 105


@pytest.mark.django_db
def test_the_next_cycle_from_an_edition_1_assessment_starts_on_edition_2_carrying_answers_through_replaces(council):
    v1 = question_bank_load(path=EDITION_1).version
    previous = Assessment.objects.create(
        organisation=council.organisation,
        bank_version=v1,
        period="2025/26",
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    levels = {
        "lead-return-on-investment": 2,  # merged with auto-benefits-tracking into lead-benefits-realisation
        "auto-benefits-tracking": 4,
        "cyber-home-working-devices": 3,  # now cyber-endpoint-security
        "insight-place-modelling": 1,  # merged with pillar-resilient-climate-data into sust-climate-data
        "cyber-incident-response": 5,  # kept its key
    }
    Answer.objects.bulk_create(
        Answer(assessment=previous, question=q, level=levels[q.key], answered_at=timezone.now(), evidence=q.key)
        for q in Question.objects.filter(version=v1, key__in=levels)
    )
    v2 = question_bank_load_shipped()[1].version

    following = assessment_start_next_cycle(previous=previous, user=council.lead, period="2026/27")

    assert following.bank_version == v2
    carried = {a.question.key: a for a in following.answers.select_related("question")}
    assert {key: (a.level, a.evidence) for key, a in carried.items()} == {
        "lead-benefits-realisation": (2, "lead-return-on-investment"),  # the first it lists that was answered
        "cyber-endpoint-security": (3, "cyber-home-working-devices"),
        "sust-climate-data": (1, "insight-place-modelling"),
        "cyber-incident-response": (5, "cyber-incident-response"),
    }
    assert all(a.carried_forward for a in carried.values())


@pytest.mark.django_db
def test_edition_2_exports_and_imports_to_an_identical_version():
    v2 = question_bank_load_shipped()[1].version
    for fmt in ("json", "yaml"):
        text = bank_version_serialise(version=v2, fmt=fmt)
        draft = question_bank_import(data=bank_file_parse(content=text.encode(), filename=f"bank.{fmt}"))
        assert bank_version_export(version=draft)["themes"] == bank_version_export(version=v2)["themes"]
        draft.delete()


@pytest.mark.parametrize(
    ("content", "filename", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "bank.json", "nested too deeply"),
        ("a: " + "[" * 100_000, "bank.yaml", ""),
        ('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', "bank.yaml", "aliases (*name) are not allowed"),
        (
            json.dumps({"bank": {"key": "x", "title": "X"}, "themes": [{"key": "t", "title": "T"}] * 3}),
            "bank.json",
            "themes[0] (t).short_title: Field required",
        ),  # fmt: skip
    ],
)
def test_hostile_or_malformed_files_get_a_clear_error_never_a_crash(content, filename, problem):
    with pytest.raises(QuestionBankInvalid) as invalid:
        data = bank_file_parse(content=content.encode(), filename=filename)
        bank_file_validate(data=data)
    assert problem in "\n".join(invalid.value.problems)
    assert all(re.match(r"^[\w\[\(. ]", p) for p in invalid.value.problems)


def test_the_source_check_finds_every_quote_and_reports_one_that_is_not_in_the_publications(tmp_path, capsys):
    quotes = [s.quote for path in (EDITION_1, EDITION_2) for t in edition(path).themes for q in t.questions
              for s in q.sources]  # fmt: skip
    (tmp_path / "all.txt").write_text("\n\n".join(quotes), encoding="utf-8")
    call_command("check_bank_sources", "--seeds", str(tmp_path))
    assert "Every question cites a source, and every quote is word for word." in capsys.readouterr().out
    (tmp_path / "all.txt").write_text("\n\n".join(q for q in quotes if q != quotes[0]), encoding="utf-8")
    with pytest.raises(CommandError, match="quote not found"):
        call_command("check_bank_sources", "--seeds", str(tmp_path))
