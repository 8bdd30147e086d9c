"""Loading and validating question banks.

The bank content is data (`assessment/question_banks/<bank>/`): `bank.yaml` plus one YAML file per theme.
Its shape is the same one the import and export use: {"bank": {...}, "themes": [{..., "questions": [...]}]}.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.models import (
    COUNCIL_TYPE_VALUES,
    LEVELS,
    BankVersion,
    LevelDescriptor,
    Question,
    QuestionBank,
    Recommendation,
    Source,
    Theme,
)

BANKS_DIR = Path(__file__).resolve().parent.parent / "question_banks"
EDITORS_GROUP = "Question bank editors"
IMPORT_MAX_BYTES = 2 * 1024 * 1024  # the full sector bank is about 400 KB
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PILLARS = {choice.value for choice in Question.Pillar}
EFFORTS = {choice.value for choice in Recommendation.Effort}
QUOTE_MAX_LENGTH = 300


class BankVersionNotEditable(Exception):
    """A published or retired version never changes: edit a new draft instead."""


class BankVersionStateError(Exception):
    """An action that does not fit the version's status, such as publishing a retired version."""


class QuestionBankInvalid(Exception):
    """Raised with every problem found, each with its location, so an editor can fix them all at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class LoadResult:
    version: BankVersion
    created: bool


def question_bank_read_directory(*, path: Path) -> dict[str, Any]:
    """Read a bank directory into the import/export shape."""
    bank = yaml.safe_load((path / "bank.yaml").read_text(encoding="utf-8"))
    themes = [
        yaml.safe_load(theme_file.read_text(encoding="utf-8"))
        for theme_file in sorted((path / "themes").glob("*.yaml"))
    ]
    return {"bank": bank, "themes": themes}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def question_bank_validate(*, data: Any) -> list[str]:
    """Every problem with a bank in the import/export shape, each with its location. Empty means valid."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["The file must contain a mapping with 'bank' and 'themes'."]
    bank = data.get("bank")
    if not isinstance(bank, dict):
        problems.append("bank: must be a mapping with key and title.")
    else:
        for field in ("key", "title"):
            if not isinstance(bank.get(field), str) or not bank.get(field, "").strip():
                problems.append(f"bank.{field}: is required and must be text.")
        if isinstance(bank.get("key"), str) and not KEY_PATTERN.match(bank["key"]):
            problems.append("bank.key: use lowercase letters, numbers and hyphens only.")
    themes = data.get("themes")
    if not isinstance(themes, list) or not themes:
        problems.append("themes: must be a non-empty list.")
        return problems

    theme_keys: set[str] = set()
    question_keys: set[str] = set()
    for t_index, theme in enumerate(themes):
        where = f"themes[{t_index}]"
        if not isinstance(theme, dict):
            problems.append(f"{where}: must be a mapping.")
            continue
        where = f"themes[{t_index}] ({theme.get('key', 'no key')})"
        for field in ("key", "title"):
            if not isinstance(theme.get(field), str) or not theme.get(field, "").strip():
                problems.append(f"{where}.{field}: is required and must be text.")
        if isinstance(theme.get("key"), str) and not KEY_PATTERN.match(theme["key"]):
            problems.append(f"{where}.key: use lowercase letters, numbers and hyphens only.")
        if theme.get("key") in theme_keys:
            problems.append(f"{where}.key: '{theme.get('key')}' is used by more than one theme.")
        theme_keys.add(str(theme.get("key")))
        if not _is_number(theme.get("weight", 1)) or theme.get("weight", 1) <= 0:
            problems.append(f"{where}.weight: must be a number greater than 0.")
        questions = theme.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{where}.questions: must be a non-empty list.")
            continue
        for q_index, question in enumerate(questions):
            problems.extend(_question_problems(question, f"{where}.questions[{q_index}]", question_keys))
    return problems


def _question_problems(question: Any, where: str, seen_keys: set[str]) -> list[str]:
    if not isinstance(question, dict):
        return [f"{where}: must be a mapping."]
    problems: list[str] = []
    where = f"{where} ({question.get('key', 'no key')})"
    for field in ("key", "text"):
        if not isinstance(question.get(field), str) or not question.get(field, "").strip():
            problems.append(f"{where}.{field}: is required and must be text.")
    key = question.get("key")
    if isinstance(key, str) and not KEY_PATTERN.match(key):
        problems.append(f"{where}.key: use lowercase letters, numbers and hyphens only.")
    if key in seen_keys:
        problems.append(f"{where}.key: '{key}' is used by more than one question.")
    seen_keys.add(str(key))
    if not isinstance(question.get("guidance", ""), str):
        problems.append(f"{where}.guidance: must be text.")
    if not _is_number(question.get("weight", 1)) or question.get("weight", 1) <= 0:
        problems.append(f"{where}.weight: must be a number greater than 0.")
    applies_to = question.get("applies_to")
    if not isinstance(applies_to, list) or not applies_to:
        problems.append(f"{where}.applies_to: must list at least one council type.")
    else:
        unknown = [t for t in applies_to if t not in COUNCIL_TYPE_VALUES]
        if unknown:
            problems.append(f"{where}.applies_to: unknown council types {unknown}.")
    if not isinstance(question.get("allows_not_applicable", False), bool):
        problems.append(f"{where}.allows_not_applicable: must be true or false.")

    levels = question.get("levels")
    if not isinstance(levels, list) or sorted(_level_numbers(levels)) != list(LEVELS):
        problems.append(f"{where}.levels: must have exactly five descriptors, one for each level 1 to 5.")
    else:
        for level in levels:
            if not isinstance(level.get("descriptor"), str) or not level["descriptor"].strip():
                problems.append(f"{where}.levels (level {level.get('level')}): descriptor is required.")
    recommendations = question.get("recommendations")
    if not isinstance(recommendations, list) or sorted(_level_numbers(recommendations)) != list(LEVELS):
        problems.append(f"{where}.recommendations: must have exactly one recommendation for each level 1 to 5.")
    else:
        for rec in recommendations:
            if not isinstance(rec.get("text"), str) or not rec["text"].strip():
                problems.append(f"{where}.recommendations (level {rec.get('level')}): text is required.")
            if rec.get("effort") not in EFFORTS:
                problems.append(
                    f"{where}.recommendations (level {rec.get('level')}): effort must be one of {sorted(EFFORTS)}."
                )
    pillars = question.get("pillars", [])
    if not isinstance(pillars, list) or not pillars or not set(pillars) <= PILLARS:
        problems.append(f"{where}.pillars: must list one or more of {sorted(PILLARS)}.")
    frameworks = question.get("frameworks", [])
    if not isinstance(frameworks, list) or any(
        not isinstance(f, dict) or not isinstance(f.get("framework"), str) or not isinstance(f.get("ref"), str)
        for f in frameworks
    ):
        problems.append(f"{where}.frameworks: each entry needs framework and ref as text.")
    sources = question.get("sources")
    if not isinstance(sources, list) or not sources:
        problems.append(f"{where}.sources: at least one source is required.")
    else:
        for s_index, source in enumerate(sources):
            s_where = f"{where}.sources[{s_index}]"
            if not isinstance(source, dict):
                problems.append(f"{s_where}: must be a mapping.")
                continue
            for field in ("title", "publisher", "quote"):
                if not isinstance(source.get(field), str) or not source.get(field, "").strip():
                    problems.append(f"{s_where}.{field}: is required and must be text.")
            if not isinstance(source.get("year"), int) or isinstance(source.get("year"), bool):
                problems.append(f"{s_where}.year: must be a whole number.")
            if isinstance(source.get("quote"), str) and len(source["quote"]) > QUOTE_MAX_LENGTH:
                problems.append(f"{s_where}.quote: must be {QUOTE_MAX_LENGTH} characters or fewer.")
    replaces = question.get("replaces")
    if replaces is not None and not isinstance(replaces, str):
        problems.append(f"{where}.replaces: must be a question key or empty.")
    return problems


def _level_numbers(items: list[Any]) -> list[Any]:
    return [item.get("level") if isinstance(item, dict) else None for item in items]


def _content_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _content_only(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a bank that defines what its questions mean: not its version number, status or dates."""
    return {"bank": {"key": data["bank"]["key"], "title": data["bank"]["title"]}, "themes": data["themes"]}


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as error:  # pragma: no cover - validation rejects non-numbers first
        raise QuestionBankInvalid([f"Not a number: {value!r}"]) from error


@transaction.atomic
def bank_version_create_from_data(*, data: dict[str, Any], status: str, user=None) -> BankVersion:
    """Create a new version of a bank from data in the import/export shape. Validates first."""
    problems = question_bank_validate(data=data)
    if problems:
        raise QuestionBankInvalid(problems)
    bank_data = data["bank"]
    bank, _ = QuestionBank.objects.get_or_create(
        key=bank_data["key"],
        defaults={"title": bank_data["title"], "description": bank_data.get("description", "")},
    )
    last = bank.versions.order_by("-number").first()
    now = timezone.now()
    if status == BankVersion.Status.PUBLISHED:
        bank.versions.filter(status=BankVersion.Status.PUBLISHED).update(
            status=BankVersion.Status.RETIRED, updated_at=now
        )
    version = BankVersion.objects.create(
        bank=bank,
        number=(last.number + 1) if last else 1,
        status=status,
        published_at=now if status == BankVersion.Status.PUBLISHED else None,
        published_by=user if status == BankVersion.Status.PUBLISHED else None,
        created_by=user,
        content_hash=_content_hash(_content_only(data)),
    )
    levels, recommendations, sources = [], [], []
    for t_position, theme_data in enumerate(data["themes"], start=1):
        theme = Theme.objects.create(
            version=version,
            key=theme_data["key"],
            title=theme_data["title"],
            description=theme_data.get("description", "") or "",
            weight=_decimal(theme_data.get("weight", 1)),
            position=t_position,
        )
        for q_position, q in enumerate(theme_data["questions"], start=1):
            question = Question.objects.create(
                version=version,
                theme=theme,
                key=q["key"],
                text=q["text"].strip(),
                guidance=(q.get("guidance") or "").strip(),
                weight=_decimal(q.get("weight", 1)),
                applies_to=list(q["applies_to"]),
                allows_not_applicable=q.get("allows_not_applicable", False),
                pillars=list(q.get("pillars", [])),
                frameworks=[{"framework": f["framework"], "ref": f["ref"]} for f in q.get("frameworks", [])],
                replaces=q.get("replaces") or "",
                position=q_position,
            )
            levels += [
                LevelDescriptor(question=question, level=item["level"], descriptor=item["descriptor"].strip())
                for item in q["levels"]
            ]
            recommendations += [
                Recommendation(question=question, level=r["level"], text=r["text"].strip(), effort=r["effort"])
                for r in q["recommendations"]
            ]
            sources += [
                Source(
                    question=question,
                    title=s["title"],
                    publisher=s["publisher"],
                    year=s["year"],
                    quote=s["quote"],
                    position=s_position,
                )
                for s_position, s in enumerate(q["sources"], start=1)
            ]
    for model, rows in ((LevelDescriptor, levels), (Recommendation, recommendations), (Source, sources)):
        bulk_create_with_history(rows, model, default_user=user)
    return version


@transaction.atomic
def question_bank_load(*, path: Path) -> LoadResult:
    """Publish the bank in `path` as a new version, unless its latest version already has this content."""
    data = question_bank_read_directory(path=path)
    problems = question_bank_validate(data=data)
    if problems:
        raise QuestionBankInvalid(problems)
    # Any version with the same content means these files were loaded before: an admin may since have
    # published a newer version, which loading the unchanged shipped files must not undo.
    existing = (
        BankVersion.objects.filter(bank__key=data["bank"]["key"], content_hash=_content_hash(_content_only(data)))
        .order_by("-number")
        .first()
    )
    if existing is not None:
        return LoadResult(version=existing, created=False)
    version = bank_version_create_from_data(data=data, status=BankVersion.Status.PUBLISHED)
    return LoadResult(version=version, created=True)


def question_banks_shipped() -> list[Path]:
    """The bank directories shipped in the repository."""
    return sorted(p for p in BANKS_DIR.iterdir() if (p / "bank.yaml").is_file())


def editors_group_ensure():
    """The "Question bank editors" group, with exactly the permissions to draft, edit and publish banks.
    Created by `load_question_bank`, which every deployment runs."""
    from django.contrib.auth.models import Group, Permission

    codenames = [
        f"{action}_{model}"
        for model in ("bankversion", "theme", "question", "leveldescriptor", "recommendation", "source")
        for action in ("add", "change", "delete", "view")
    ] + ["view_questionbank", "change_questionbank", "publish_bankversion"]
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="assessment", codename__in=codenames))
    return group


# Versioning -----------------------------------------------------------------------------------------------


def bank_version_require_draft(*, version: BankVersion) -> None:
    """Every change to bank content goes through this check: published versions never change."""
    if not version.is_draft:
        raise BankVersionNotEditable(
            f"Version {version.number} of {version.bank.title} is {version.get_status_display().lower()} "
            "and cannot be changed. Create a new draft to make changes."
        )


def _number(value: Decimal) -> int | float:
    return int(value) if value == int(value) else float(value)


def bank_version_export(*, version: BankVersion) -> dict[str, Any]:
    """A version in the import/export shape. Reads everything in five queries."""
    themes = list(version.themes.order_by("position", "id"))
    questions = (
        Question.objects.filter(version=version)
        .order_by("position", "id")
        .prefetch_related("levels", "recommendations", "sources")
    )
    by_theme: dict[int, list[Question]] = {theme.id: [] for theme in themes}
    for question in questions:
        by_theme[question.theme_id].append(question)
    return {
        "bank": {
            "key": version.bank.key,
            "title": version.bank.title,
            "version": version.number,
            "status": str(version.status),
            "published_at": version.published_at.isoformat() if version.published_at else None,
        },
        "themes": [
            {
                "key": theme.key,
                "title": theme.title,
                "description": theme.description,
                "weight": _number(theme.weight),
                "questions": [
                    {
                        "key": q.key,
                        "text": q.text,
                        "guidance": q.guidance,
                        "weight": _number(q.weight),
                        "applies_to": list(q.applies_to),
                        "allows_not_applicable": q.allows_not_applicable,
                        "levels": [{"level": d.level, "descriptor": d.descriptor} for d in q.levels.all()],
                        "recommendations": [
                            {"level": r.level, "text": r.text, "effort": r.effort} for r in q.recommendations.all()
                        ],
                        "pillars": list(q.pillars),
                        "frameworks": [{"framework": f["framework"], "ref": f["ref"]} for f in q.frameworks],
                        "sources": [
                            {"title": s.title, "publisher": s.publisher, "year": s.year, "quote": s.quote}
                            for s in q.sources.all()
                        ],
                        "replaces": q.replaces or None,
                    }
                    for q in by_theme[theme.id]
                ],
            }
            for theme in themes
        ],
    }


def bank_version_serialise(*, version: BankVersion, fmt: str) -> str:
    data = bank_version_export(version=version)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    raise ValueError(f"Unknown format {fmt!r}: use json or yaml")


def question_bank_parse(*, content: bytes, filename: str = "") -> dict[str, Any]:
    """Parse an uploaded or command-line bank file safely. Raises QuestionBankInvalid with the location."""
    if len(content) > IMPORT_MAX_BYTES:
        raise QuestionBankInvalid(
            [
                f"The file is {len(content) / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{IMPORT_MAX_BYTES // 1024 // 1024} MB."
            ]
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QuestionBankInvalid([f"The file is not UTF-8 text (byte {error.start})."]) from error
    if filename.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise QuestionBankInvalid([f"Line {error.lineno}, column {error.colno}: {error.msg}."]) from error
    try:
        # safe_load builds only plain data: no Python objects can be created from the file.
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"Line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise QuestionBankInvalid([f"{where}{getattr(error, 'problem', None) or error}."]) from error


@transaction.atomic
def question_bank_import(*, data: Any, user=None) -> BankVersion:
    """Import a bank file as a new draft. Everything is validated first; on any problem nothing is created."""
    problems = question_bank_validate(data=data)
    if problems:
        raise QuestionBankInvalid(problems)
    existing_draft = BankVersion.objects.filter(bank__key=data["bank"]["key"], status=BankVersion.Status.DRAFT).first()
    if existing_draft is not None:
        raise BankVersionStateError(
            f"{existing_draft.bank.title} already has a draft (version {existing_draft.number}). "
            "Publish or delete that draft before importing another."
        )
    return bank_version_create_from_data(data=data, status=BankVersion.Status.DRAFT, user=user)


@transaction.atomic
def bank_version_create_draft(*, bank: QuestionBank, user=None) -> BankVersion:
    """Start editing: a new draft copied from the bank's latest version."""
    bank = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    draft = bank.versions.filter(status=BankVersion.Status.DRAFT).first()
    if draft is not None:
        raise BankVersionStateError(f"{bank.title} already has a draft: version {draft.number}. Edit that one.")
    latest = bank.versions.order_by("-number").first()
    if latest is None:
        raise BankVersionStateError(f"{bank.title} has no version to copy.")
    return bank_version_create_from_data(
        data=bank_version_export(version=latest), status=BankVersion.Status.DRAFT, user=user
    )


def bank_version_publish_problems(*, version: BankVersion) -> list[str]:
    return question_bank_validate(data=bank_version_export(version=version))


@transaction.atomic
def bank_version_publish(*, version: BankVersion, user=None) -> BankVersion:
    """Publish a draft after checking all of it, and retire the previous version for new assessments.
    Assessments already started keep the version they were answered against."""
    QuestionBank.objects.select_for_update().get(pk=version.bank_id)
    version = BankVersion.objects.get(pk=version.pk)
    if not version.is_draft:
        raise BankVersionStateError(f"Version {version.number} is {version.get_status_display().lower()}, not a draft.")
    data = bank_version_export(version=version)
    problems = question_bank_validate(data=data)
    if problems:
        raise QuestionBankInvalid(problems)
    now = timezone.now()
    for previous in BankVersion.objects.filter(bank_id=version.bank_id, status=BankVersion.Status.PUBLISHED):
        previous.status = BankVersion.Status.RETIRED
        previous.save(update_fields=["status", "updated_at"])
    version.status = BankVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = user
    version.content_hash = _content_hash(_content_only(data))
    version.save(update_fields=["status", "published_at", "published_by", "content_hash", "updated_at"])
    return version


@transaction.atomic
def bank_version_retire(*, version: BankVersion) -> BankVersion:
    """Stop offering a published version for new assessments. Existing assessments are not affected."""
    version = BankVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != BankVersion.Status.PUBLISHED:
        raise BankVersionStateError(f"Only a published version can be retired; version {version.number} is not.")
    version.status = BankVersion.Status.RETIRED
    version.save(update_fields=["status", "updated_at"])
    return version


@transaction.atomic
def bank_version_delete_draft(*, version: BankVersion) -> None:
    bank_version_require_draft(version=version)  # drafts are never answered, so nothing else refers to them
    version.delete()
