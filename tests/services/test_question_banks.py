import copy

import pytest

from assessment.models import BankVersion, Question
from assessment.services.bank_files import bank_directory_read, shipped_editions
from assessment.services.bank_schema import bank_file_problems
from assessment.services.question_banks import (
    QuestionBankInvalid,
    bank_version_create_from_data,
    question_bank_load,
)

SHIPPED = shipped_editions()[0]


def minimal_bank() -> dict:
    question = {
        "key": "q-one",
        "text": "How well?",
        "guidance": "Why.",
        "weight": 1,
        "applies_to": ["county"],
        "allows_not_applicable": False,
        "levels": [{"level": n, "descriptor": f"Level {n} looks like this"} for n in range(1, 6)],
        "recommendations": [{"level": n, "text": f"Do step {n}", "effort": "medium"} for n in range(1, 6)],
        "pillars": ["reform"],
        "frameworks": [],
        "sources": [{"title": "T", "publisher": "P", "year": 2021, "quote": "Q"}],
        "replaces": None,
    }
    return {
        "bank": {"key": "mini", "title": "Mini"},
        "themes": [{"key": "t", "title": "T", "short_title": "T", "weight": 1, "questions": [question]}],
    }


def test_the_shipped_bank_is_valid_and_covers_the_briefs_themes():
    data = bank_directory_read(path=SHIPPED)
    assert bank_file_problems(data=data) == []
    theme_keys = {theme["key"] for theme in data["themes"]}
    assert {
        "workforce-hybrid-working",
        "care-homes-adult-social-care",
        "automation-ai",
        "ethics-algorithms",
        "cyber-security",
        "recovery-four-pillars",
    } <= theme_keys
    for theme in data["themes"]:
        assert 6 <= len(theme["questions"]) <= 12, theme["key"]
        for question in theme["questions"]:
            for source in question["sources"]:
                assert len(source["quote"]) <= 300


def test_social_care_questions_do_not_apply_to_district_councils():
    data = bank_directory_read(path=SHIPPED)
    care = next(t for t in data["themes"] if t["key"] == "care-homes-adult-social-care")
    assert all("district" not in q["applies_to"] for q in care["questions"])


def test_every_problem_is_reported_at_once_with_its_location():
    data = minimal_bank()
    question = data["themes"][0]["questions"][0]
    question["levels"] = question["levels"][:4]
    question["recommendations"][0]["effort"] = "huge"
    question["weight"] = 0
    question["sources"] = []
    data["themes"][0]["questions"].append(copy.deepcopy(data["themes"][0]["questions"][0]))
    problems = bank_file_problems(data=data)
    text = "\n".join(problems)
    assert "themes[0] (t).questions[0] (q-one).levels: must have exactly one descriptor for each level" in text
    assert "themes[0] (t).questions[0] (q-one).recommendations[0].effort: Input should be 'quick_win'" in text
    assert "themes[0] (t).questions[0] (q-one).weight: Input should be greater than 0" in text
    assert "themes[0] (t).questions[0] (q-one).sources: cite at least one source" in text
    assert "themes[0] (t).questions[1] (q-one).key: 'q-one' is used by more than one question" in text


@pytest.mark.django_db
def test_invalid_data_creates_nothing():
    data = minimal_bank()
    data["themes"][0]["questions"][0]["applies_to"] = ["parish"]
    with pytest.raises(QuestionBankInvalid, match=r"unknown council types \['parish'\]"):
        bank_version_create_from_data(data=data, status=BankVersion.Status.PUBLISHED)
    assert not BankVersion.objects.exists()


@pytest.mark.django_db
def test_loading_twice_creates_one_version_and_a_changed_bank_a_new_one(tmp_path):
    first = question_bank_load(path=SHIPPED)
    again = question_bank_load(path=SHIPPED)
    assert first.created and not again.created
    assert again.version == first.version
    assert Question.objects.filter(version=first.version).count() >= 100

    # A copy of the bank with one question reworded is published as version 2 and retires version 1.
    changed = tmp_path / "bank"
    (changed / "themes").mkdir(parents=True)
    (changed / "bank.yaml").write_text((SHIPPED / "bank.yaml").read_text())
    for theme_file in sorted((SHIPPED / "themes").glob("*.yaml")):
        (changed / "themes" / theme_file.name).write_text(theme_file.read_text())
    target = sorted((changed / "themes").glob("*.yaml"))[0]
    target.write_text(target.read_text().replace("questions:", "questions:", 1) + "\n# edited\n")
    # Comments do not change the content, so this is still the same version...
    assert not question_bank_load(path=changed).created
    data = bank_directory_read(path=changed)
    import yaml

    theme = yaml.safe_load(target.read_text())
    theme["questions"][0]["text"] = theme["questions"][0]["text"] + " (reworded)"
    target.write_text(yaml.safe_dump(theme, allow_unicode=True, sort_keys=False))
    second = question_bank_load(path=changed)
    assert second.created and second.version.number == 2
    first.version.refresh_from_db()
    assert first.version.status == BankVersion.Status.RETIRED
    assert second.version.status == BankVersion.Status.PUBLISHED
    assert data["bank"]["key"] == second.version.bank.key
