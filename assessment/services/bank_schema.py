"""The question-bank file format, as typed models.

One set of pydantic models validates every bank that comes in (the shipped editions, an import, a draft
about to be published) and shapes every bank that goes out (an export), so the two can never drift apart.
The limits here are the database's limits, so a bank that validates always saves, on SQLite and PostgreSQL.
"""

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from assessment.models import COUNCIL_TYPE_VALUES, LEVELS, SHORT_TITLE_MAX_LENGTH

QUOTE_MAX_LENGTH = 300
KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class QuestionBankInvalid(Exception):
    """Raised with every problem found, each with its location, so an editor can fix them all at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _number_not_text(value: Any) -> Any:
    # YAML and JSON give numbers as numbers; "1.5" in quotes or `true` is a mistake worth reporting.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    return value


def as_number(value: Decimal) -> int | float:
    return int(value) if value == int(value) else float(value)


def _key_list(value: Any) -> Any:
    # Edition 1 and older exports give `replaces` as one key or null.
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return value


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, and halves of a character: PostgreSQL stores neither


def _storable(value: str) -> str:
    if UNSTORABLE.search(value):
        raise ValueError("contains a character that cannot be stored (a NUL or half of a character)")
    return value


def _key_format(value: str) -> str:
    if not re.fullmatch(KEY_PATTERN, value):
        raise ValueError("use lowercase letters, numbers and hyphens only, for example 'cyber-backups'")
    return value


Key = Annotated[str, StringConstraints(max_length=100), AfterValidator(_key_format)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_storable)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_storable)]
Weight = Annotated[
    Decimal,
    BeforeValidator(_number_not_text),
    Field(gt=0, max_digits=5, decimal_places=2),
    PlainSerializer(as_number, return_type=int | float),
]
Level = Annotated[int, Field(strict=True, ge=1, le=5)]
Pillar = Literal["reset", "renew", "reform", "resilient"]
Effort = Literal["quick_win", "medium", "major"]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LevelSchema(_Schema):
    level: Level
    descriptor: Text


class RecommendationSchema(_Schema):
    level: Level
    text: Text
    effort: Effort


class FrameworkSchema(_Schema):
    framework: Annotated[Text, StringConstraints(max_length=200)]
    ref: Annotated[Text, StringConstraints(max_length=200)]


class SourceSchema(_Schema):
    title: Annotated[Text, StringConstraints(max_length=300)]
    publisher: Annotated[Text, StringConstraints(max_length=200)]
    year: Annotated[int, Field(strict=True, ge=1900, le=2100)]
    quote: Annotated[Text, StringConstraints(max_length=QUOTE_MAX_LENGTH)]


def _one_per_level(items: list[Any], what: str) -> list[Any]:
    levels = sorted(item.level for item in items)
    if levels != list(LEVELS):
        raise ValueError(f"must have exactly one {what} for each level from 1 to 5 (found levels {levels})")
    return sorted(items, key=lambda item: item.level)


class QuestionSchema(_Schema):
    key: Key
    text: Text
    guidance: OptionalText = ""
    weight: Weight = Decimal(1)
    applies_to: Annotated[list[str], Field(min_length=1)]
    allows_not_applicable: Annotated[bool, Field(strict=True)] = False
    critical: Annotated[bool, Field(strict=True)] = False
    levels: list[LevelSchema]
    recommendations: list[RecommendationSchema]
    pillars: Annotated[list[Pillar], Field(min_length=1)]
    frameworks: list[FrameworkSchema] = []
    sources: list[SourceSchema] = []
    replaces: Annotated[list[Key], BeforeValidator(_key_list)] = []

    @field_validator("applies_to")
    @classmethod
    def _known_council_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in COUNCIL_TYPE_VALUES]
        if unknown:
            raise ValueError(f"unknown council types {unknown}; use {COUNCIL_TYPE_VALUES}")
        return [t for t in COUNCIL_TYPE_VALUES if t in value]

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, value: list[LevelSchema]) -> list[LevelSchema]:
        return _one_per_level(value, "descriptor")

    @field_validator("recommendations")
    @classmethod
    def _five_recommendations(cls, value: list[RecommendationSchema]) -> list[RecommendationSchema]:
        return _one_per_level(value, "recommendation")

    @field_validator("sources")
    @classmethod
    def _cites_something(cls, value: list[SourceSchema], info: ValidationInfo) -> list[SourceSchema]:
        # A field validator (not a model one) so this is reported alongside any other problem with the question.
        if not value and not info.data.get("frameworks", True):
            raise ValueError("cite at least one source (a quote from a publication) or one framework reference")
        return value


class ThemeSchema(_Schema):
    key: Key
    title: Annotated[Text, StringConstraints(max_length=200)]
    short_title: Annotated[Text, StringConstraints(max_length=SHORT_TITLE_MAX_LENGTH)]
    description: OptionalText = ""
    weight: Weight = Decimal(1)
    default_target: Level = 3
    questions: Annotated[list[QuestionSchema], Field(min_length=1)]


class BankSchema(_Schema):
    key: Key
    title: Annotated[Text, StringConstraints(max_length=200)]
    description: OptionalText = ""
    # Written by an export, for the reader; an import ignores them (it always creates a new draft).
    version: int | None = None
    status: str | None = None
    published_at: str | None = None


class BankFileSchema(_Schema):
    bank: BankSchema
    themes: Annotated[list[ThemeSchema], Field(min_length=1)]

    def content(self) -> dict[str, Any]:
        """What the bank means, without its number, status, dates or description: two versions with the same
        content ask the same questions in the same way."""
        data = self.model_dump(mode="json")
        return {"bank": {"key": data["bank"]["key"], "title": data["bank"]["title"]}, "themes": data["themes"]}


def _where(data: Any, loc: tuple[int | str, ...]) -> str:
    """A location such as `themes[2] (cyber-security).questions[0] (cyber-backups).levels`, naming each theme
    and question by its key so an editor can find it in the file."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            key = node.get("key") if isinstance(node, dict) else None
            named = f"[{step}]" + (f" ({key})" if isinstance(key, str) else "")
            if parts:
                parts[-1] += named
            else:  # a number as a top-level key (`1: x` in YAML)
                parts.append(named)
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(str(step))
    return ".".join(parts)


def _message(error: ErrorDetails) -> str:
    if error["type"] == "string_unicode":  # half of a character (a lone surrogate), from a JSON escape
        return "contains a character that cannot be stored (a NUL or half of a character)"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _duplicate_keys(data: dict[str, Any]) -> list[str]:
    """Keys used twice, found in the raw data so they are reported together with every other problem."""
    problems = []
    seen_themes: set[str] = set()
    seen_questions: set[str] = set()
    themes = data.get("themes")
    for t_index, theme in enumerate(themes if isinstance(themes, list) else []):
        if not isinstance(theme, dict):
            continue
        key = theme.get("key")
        if isinstance(key, str) and key in seen_themes:
            problems.append(f"{_where(data, ('themes', t_index, 'key'))}: '{key}' is used by more than one theme.")
        seen_themes.add(str(key))
        questions = theme.get("questions")
        for q_index, question in enumerate(questions if isinstance(questions, list) else []):
            key = question.get("key") if isinstance(question, dict) else None
            if isinstance(key, str) and key in seen_questions:
                where = _where(data, ("themes", t_index, "questions", q_index, "key"))
                problems.append(f"{where}: '{key}' is used by more than one question.")
            seen_questions.add(str(key))
    return problems


def bank_file_validate(*, data: Any) -> BankFileSchema:
    """The bank in `data` (the import/export shape), checked in full. Raises QuestionBankInvalid listing every
    problem with its location."""
    if not isinstance(data, dict):
        raise QuestionBankInvalid(["The file must contain a mapping with 'bank' and 'themes'."])
    problems = []
    bank_file = None
    try:
        bank_file = BankFileSchema.model_validate(data)
    except ValidationError as invalid:
        for error in invalid.errors():
            where = _where(data, tuple(error["loc"]))
            problems.append(f"{where}: {_message(error)}." if where else f"{_message(error)}.")
    problems += _duplicate_keys(data)
    if problems or bank_file is None:
        raise QuestionBankInvalid(problems)
    return bank_file


def frameworks_validate(value: Any) -> list[dict[str, str]]:
    """A question's framework references (as the question bank editor types them), checked as a bank file's
    are. Raises QuestionBankInvalid."""
    try:
        checked = TypeAdapter(list[FrameworkSchema]).validate_python(value)
    except ValidationError as invalid:
        raise QuestionBankInvalid(
            [f"{_where(value, tuple(error['loc']))}: {_message(error)}." for error in invalid.errors()]
        ) from invalid
    return [reference.model_dump() for reference in checked]


def bank_file_problems(*, data: Any) -> list[str]:
    """Every problem with a bank in the import/export shape. Empty means valid."""
    try:
        bank_file_validate(data=data)
    except QuestionBankInvalid as invalid:
        return invalid.problems
    return []
