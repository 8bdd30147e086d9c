"""Versioning: published versions never change; drafts are edited, validated and published."""

import json

import pytest
import yaml

from assessment.models import Assessment, BankVersion, LevelDescriptor, Question, Source
from assessment.services.bank_files import IMPORT_MAX_BYTES, bank_file_parse
from assessment.services.question_banks import (
    BankVersionNotEditable,
    BankVersionStateError,
    QuestionBankInvalid,
    bank_version_create_draft,
    bank_version_export,
    bank_version_publish,
    bank_version_require_draft,
    bank_version_retire,
    bank_version_serialise,
    question_bank_import,
)
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def content(data: dict) -> list:
    """What a version means, without its number, status or dates."""
    return data["themes"]


def test_published_and_retired_versions_refuse_changes(published):
    with pytest.raises(BankVersionNotEditable, match="cannot be changed"):
        bank_version_require_draft(version=published)
    bank_version_retire(version=published)
    published.refresh_from_db()
    with pytest.raises(BankVersionNotEditable):
        bank_version_require_draft(version=published)


def test_a_new_draft_is_a_full_copy_of_the_latest_version(published):
    draft = bank_version_create_draft(bank=published.bank)
    assert (draft.number, draft.status) == (2, BankVersion.Status.DRAFT)
    assert content(bank_version_export(version=draft)) == content(bank_version_export(version=published))
    with pytest.raises(BankVersionStateError, match="already has a draft"):
        bank_version_create_draft(bank=published.bank)


def test_publishing_a_draft_retires_the_old_version_and_existing_assessments_keep_theirs(published):
    started = AssessmentFactory(bank_version=published, period="2025/26")
    draft = bank_version_create_draft(bank=published.bank)
    question = draft.questions.order_by("id").first()
    question.text = "A reworded question?"
    question.save()

    bank_version_publish(version=draft)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == BankVersion.Status.RETIRED
    assert draft.status == BankVersion.Status.PUBLISHED and draft.published_at
    started.refresh_from_db()
    assert started.bank_version == published
    original = Question.objects.get(version=published, key=question.key)
    assert original.text != "A reworded question?"  # the old version is untouched
    assert Assessment.objects.get(pk=started.pk).bank_version.questions.get(key=question.key).text == original.text


def test_publishing_lists_every_problem_at_once_and_changes_nothing(published):
    draft = bank_version_create_draft(bank=published.bank)
    first, second = draft.questions.order_by("id")[:2]
    LevelDescriptor.objects.filter(question=first, level=5).delete()
    Source.objects.filter(question=second).delete()
    Question.objects.filter(pk=second.pk).update(frameworks=[])
    second.recommendations.filter(level=1).delete()
    with pytest.raises(QuestionBankInvalid) as invalid:
        bank_version_publish(version=draft)
    text = "\n".join(invalid.value.problems)
    assert f"({first.key}).levels: must have exactly one descriptor for each level from 1 to 5" in text
    assert f"({second.key}).sources: cite at least one source" in text
    assert f"({second.key}).recommendations: must have exactly one recommendation for each level" in text
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == BankVersion.Status.DRAFT and published.status == BankVersion.Status.PUBLISHED


def test_only_drafts_can_be_published(published):
    with pytest.raises(BankVersionStateError, match="not a draft"):
        bank_version_publish(version=published)


def test_changes_to_a_draft_are_recorded_with_who_and_when(published, council):
    draft = bank_version_create_draft(bank=published.bank, user=council.lead)
    question = draft.questions.order_by("id").first()
    question._history_user = council.officer
    question.weight = 2
    question.save()
    latest = question.history.first()
    assert latest.history_type == "~" and latest.history_user == council.officer and latest.weight == 2
    assert question.levels.first().history.first().history_user == council.lead  # the copy itself


# Export and import -----------------------------------------------------------------------------------------


def test_export_has_the_documented_shape(published):
    data = bank_version_export(version=published)
    assert set(data["bank"]) == {"key", "title", "description", "version", "status", "published_at"}
    question = data["themes"][0]["questions"][0]
    assert list(question) == [
        "key", "text", "guidance", "weight", "applies_to", "allows_not_applicable", "critical", "levels",
        "recommendations", "pillars", "frameworks", "sources", "replaces",
    ]  # fmt: skip
    assert list(data["themes"][0]) == [
        "key", "title", "short_title", "description", "weight", "default_target", "questions",
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_round_trip_export_then_import_gives_an_identical_version(published, fmt):
    text = bank_version_serialise(version=published, fmt=fmt)
    draft = question_bank_import(data=bank_file_parse(content=text.encode(), filename=f"bank.{fmt}"))
    assert draft.status == BankVersion.Status.DRAFT and draft.number == 2
    assert content(bank_version_export(version=draft)) == content(bank_version_export(version=published))


def import_problems(text: str, filename: str = "bank.yaml") -> list[str]:
    with pytest.raises(QuestionBankInvalid) as invalid:
        question_bank_import(data=bank_file_parse(content=text.encode(), filename=filename))
    return invalid.value.problems


def exported(published) -> dict:
    return json.loads(bank_version_serialise(version=published, fmt="json"))


def test_malformed_yaml_is_refused_with_its_line(published):
    problems = import_problems("bank:\n  key: x\n themes: [\n")
    assert problems[0].startswith("Line 3, column")


def test_malformed_json_is_refused_with_its_line(published):
    assert import_problems('{"bank": {"key": "x",}\n}', filename="bank.json")[0].startswith("Line 1, column 22")


def test_yaml_is_loaded_safely(published):
    problems = import_problems("bank: !!python/object/apply:os.system ['echo hacked']\nthemes: []\n")
    assert "could not determine a constructor" in problems[0] or "constructor" in problems[0]


def test_wrong_types_missing_descriptors_and_duplicate_keys_are_all_reported(published):
    data = exported(published)
    first_theme = data["themes"][0]
    first_theme["questions"][0]["weight"] = "heavy"
    first_theme["questions"][0]["allows_not_applicable"] = "sometimes"
    first_theme["questions"][1]["levels"] = first_theme["questions"][1]["levels"][:3]
    first_theme["questions"][2]["key"] = first_theme["questions"][3]["key"]
    data["themes"][1]["key"] = first_theme["key"]
    problems = "\n".join(import_problems(json.dumps(data), filename="bank.json"))
    key = first_theme["key"]
    assert f"themes[0] ({key}).questions[0] ({first_theme['questions'][0]['key']}).weight: must be a number" in problems
    assert "allows_not_applicable: Input should be a valid boolean" in problems
    assert "questions[1]" in problems
    assert "levels: must have exactly one descriptor for each level from 1 to 5 (found levels [1, 2, 3])" in problems
    assert "is used by more than one question" in problems
    assert "is used by more than one theme" in problems
    assert BankVersion.objects.count() == 1  # nothing partly imported


def test_an_oversized_file_is_refused_before_it_is_read(published):
    problems = import_problems("#" * (IMPORT_MAX_BYTES + 1))
    assert "the largest accepted is 2 MB" in problems[0]


def test_import_refuses_a_second_draft(published):
    bank_version_create_draft(bank=published.bank)
    with pytest.raises(BankVersionStateError, match="already has a draft"):
        question_bank_import(data=exported(published))


def test_yaml_export_is_readable_yaml(published):
    data = yaml.safe_load(bank_version_serialise(version=published, fmt="yaml"))
    assert data["bank"]["version"] == 1 and len(data["themes"]) >= 12
