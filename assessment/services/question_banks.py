"""The life of a question bank version: created from data, loaded from the shipped editions, drafted,
published, retired, exported.

The file format and its checks are in `bank_schema.py`; reading and writing files in `bank_files.py`.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.models import (
    BankVersion,
    LevelDescriptor,
    Question,
    QuestionBank,
    Recommendation,
    Source,
    Theme,
)
from assessment.services.bank_files import bank_directory_read, bank_file_serialise, shipped_editions
from assessment.services.bank_schema import (
    BankFileSchema,
    QuestionBankInvalid,
    as_number,
    bank_file_problems,
    bank_file_validate,
)

EDITORS_GROUP = "Question bank editors"

__all__ = ["QuestionBankInvalid"]


class BankVersionNotEditable(Exception):
    """A published or retired version never changes: edit a new draft instead."""


class BankVersionStateError(Exception):
    """An action that does not fit the version's status, such as publishing a retired version."""


@dataclass(frozen=True)
class LoadResult:
    version: BankVersion
    created: bool


def _content_hash(bank: BankFileSchema) -> str:
    canonical = json.dumps(bank.content(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def bank_version_create_from_data(*, data: Any, status: str, user=None) -> BankVersion:
    """Create a new version of a bank from data in the import/export shape. Validates all of it first."""
    bank_file = bank_file_validate(data=data)
    bank, _ = QuestionBank.objects.get_or_create(
        key=bank_file.bank.key,
        defaults={"title": bank_file.bank.title, "description": bank_file.bank.description},
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
    )
    levels, recommendations, sources = [], [], []
    for t_position, theme_data in enumerate(bank_file.themes, start=1):
        theme = Theme.objects.create(
            version=version,
            key=theme_data.key,
            title=theme_data.title,
            short_title=theme_data.short_title,
            description=theme_data.description,
            weight=theme_data.weight,
            default_target=theme_data.default_target,
            position=t_position,
        )
        for q_position, q in enumerate(theme_data.questions, start=1):
            question = Question.objects.create(
                version=version,
                theme=theme,
                key=q.key,
                text=q.text,
                guidance=q.guidance,
                weight=q.weight,
                applies_to=list(q.applies_to),
                allows_not_applicable=q.allows_not_applicable,
                critical=q.critical,
                pillars=list(q.pillars),
                frameworks=[f.model_dump() for f in q.frameworks],
                replaces=list(q.replaces),
                position=q_position,
            )
            levels += [LevelDescriptor(question=question, level=d.level, descriptor=d.descriptor) for d in q.levels]
            recommendations += [
                Recommendation(question=question, level=r.level, text=r.text, effort=r.effort)
                for r in q.recommendations
            ]
            sources += [
                Source(
                    question=question,
                    title=s.title,
                    publisher=s.publisher,
                    year=s.year,
                    quote=s.quote,
                    position=s_position,
                )
                for s_position, s in enumerate(q.sources, start=1)
            ]
    for model, rows in ((LevelDescriptor, levels), (Recommendation, recommendations), (Source, sources)):
        bulk_create_with_history(rows, model, default_user=user)
    return version


@transaction.atomic
def question_bank_load(*, path: Path) -> LoadResult:
    """Publish the edition in `path` as a new version, unless a version of the bank already has its content.

    Content is compared with every version, not just the latest: an editor may since have published a
    newer version, which loading unchanged files must not undo."""
    bank_file = bank_file_validate(data=bank_directory_read(path=path))
    wanted = _content_hash(bank_file)
    for existing in BankVersion.objects.filter(bank__key=bank_file.bank.key).order_by("-number"):
        try:
            existing_file = bank_file_validate(data=bank_version_export(version=existing))
        except QuestionBankInvalid:
            continue  # a draft still being edited
        if _content_hash(existing_file) == wanted:
            return LoadResult(version=existing, created=False)
    version = bank_version_create_from_data(data=bank_file.model_dump(mode="json"), status=BankVersion.Status.PUBLISHED)
    return LoadResult(version=version, created=True)


def question_bank_load_shipped() -> list[LoadResult]:
    """Load every shipped edition, oldest first, so the newest edition is the one published."""
    return [question_bank_load(path=path) for path in shipped_editions()]


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


def bank_version_export(*, version: BankVersion) -> dict[str, Any]:
    """A version in the import/export shape, as stored: a draft being edited may not be valid yet, and can still
    be exported. Reads everything in five queries."""
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
            "description": version.bank.description,
            "version": version.number,
            "status": str(version.status),
            "published_at": version.published_at.isoformat() if version.published_at else None,
        },
        "themes": [
            {
                "key": theme.key,
                "title": theme.title,
                "short_title": theme.short_title,
                "description": theme.description,
                "weight": as_number(theme.weight),
                "default_target": theme.default_target,
                "questions": [
                    {
                        "key": q.key,
                        "text": q.text,
                        "guidance": q.guidance,
                        "weight": as_number(q.weight),
                        "applies_to": list(q.applies_to),
                        "allows_not_applicable": q.allows_not_applicable,
                        "critical": q.critical,
                        "levels": [{"level": d.level, "descriptor": d.descriptor} for d in q.levels.all()],
                        "recommendations": [
                            {"level": r.level, "text": r.text, "effort": r.effort} for r in q.recommendations.all()
                        ],
                        "pillars": list(q.pillars),
                        "frameworks": list(q.frameworks),
                        "sources": [
                            {"title": s.title, "publisher": s.publisher, "year": s.year, "quote": s.quote}
                            for s in q.sources.all()
                        ],
                        "replaces": list(q.replaces),
                    }
                    for q in by_theme[theme.id]
                ],
            }
            for theme in themes
        ],
    }


def bank_version_serialise(*, version: BankVersion, fmt: str) -> str:
    return bank_file_serialise(data=bank_version_export(version=version), fmt=fmt)


@transaction.atomic
def question_bank_import(*, data: Any, user=None) -> BankVersion:
    """Import a bank file as a new draft. Everything is validated first; on any problem nothing is created."""
    bank_file = bank_file_validate(data=data)
    existing_draft = BankVersion.objects.filter(bank__key=bank_file.bank.key, status=BankVersion.Status.DRAFT).first()
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
    return bank_file_problems(data=bank_version_export(version=version))


@transaction.atomic
def bank_version_publish(*, version: BankVersion, user=None) -> BankVersion:
    """Publish a draft after checking all of it, and retire the previous version for new assessments.
    Assessments already started keep the version they were answered against."""
    QuestionBank.objects.select_for_update().get(pk=version.bank_id)
    version = BankVersion.objects.get(pk=version.pk)
    if not version.is_draft:
        raise BankVersionStateError(f"Version {version.number} is {version.get_status_display().lower()}, not a draft.")
    bank_file_validate(data=bank_version_export(version=version))
    now = timezone.now()
    for previous in BankVersion.objects.filter(bank_id=version.bank_id, status=BankVersion.Status.PUBLISHED):
        previous.status = BankVersion.Status.RETIRED
        previous.save(update_fields=["status", "updated_at"])
    version.status = BankVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = user
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
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
