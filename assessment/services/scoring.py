"""Maturity scoring: pure Python, dataclasses in and out, no database access.

A selector (`assessment.selectors.scoring_input_for_assessment`) builds the input; the results page and
every other consumer render from the `AssessmentScores` this returns, so they can never disagree.
The method is explained, with a worked example, in docs/scoring.md.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

BANDS = {1: "Initial", 2: "Developing", 3: "Defined", 4: "Embedded", 5: "Leading"}


@dataclass(frozen=True)
class QuestionInput:
    key: str
    theme_key: str
    weight: float
    level: int | None  # None when unanswered or not applicable
    not_applicable: bool = False


@dataclass(frozen=True)
class ThemeInput:
    key: str
    title: str
    weight: float


@dataclass(frozen=True)
class ScoringInput:
    themes: list[ThemeInput]
    questions: list[QuestionInput]  # only the questions that apply to the council's type


@dataclass(frozen=True)
class Score:
    value: float | None  # None means "not scored": nothing answered at a level
    answered: int  # questions answered at a level
    applicable: int  # questions that apply and were not marked "not applicable"

    @property
    def is_scored(self) -> bool:
        return self.value is not None

    @property
    def band_level(self) -> int | None:
        return maturity_band(self.value)

    @property
    def band(self) -> str | None:
        level = self.band_level
        return BANDS[level] if level is not None else None

    @property
    def completeness(self) -> float:
        return self.answered / self.applicable if self.applicable else 0.0


@dataclass(frozen=True)
class ThemeScore:
    key: str
    title: str
    weight: float
    score: Score


@dataclass(frozen=True)
class AssessmentScores:
    overall: Score
    themes: list[ThemeScore] = field(default_factory=list)

    def theme(self, key: str) -> ThemeScore:
        return next(t for t in self.themes if t.key == key)


def maturity_band(value: float | None) -> int | None:
    """The band a score falls in: 1.0–1.9 Initial … 4.0–4.9 Embedded, 5.0 Leading.

    Bands are taken from the score as shown, rounded to one decimal place, so a score shown as 3.0 is
    always "Defined" even when it is 2.96 before rounding."""
    if value is None:
        return None
    return min(5, max(1, math.floor(round(value, 1))))


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is nothing to average."""
    pairs = list(pairs)
    total_weight = sum(weight for _, weight in pairs)
    if not pairs or total_weight <= 0:
        return None
    return sum(value * weight for value, weight in pairs) / total_weight


def _score(questions: list[QuestionInput]) -> Score:
    counted = [q for q in questions if not q.not_applicable]
    levelled = [q for q in counted if q.level is not None]
    return Score(
        value=weighted_mean((q.level, q.weight) for q in levelled),  # type: ignore[misc]
        answered=len(levelled),
        applicable=len(counted),
    )


def score_assessment(scoring_input: ScoringInput) -> AssessmentScores:
    """Theme score: weighted mean of the levels of answered, applicable questions.
    Overall score: weighted mean of the scored themes' scores, by theme weight.
    Not-applicable and unanswered questions count in neither numerator nor denominator."""
    by_theme: dict[str, list[QuestionInput]] = {t.key: [] for t in scoring_input.themes}
    for question in scoring_input.questions:
        by_theme.setdefault(question.theme_key, []).append(question)
    themes = [
        ThemeScore(key=t.key, title=t.title, weight=t.weight, score=_score(by_theme[t.key]))
        for t in scoring_input.themes
    ]
    overall = Score(
        value=weighted_mean((t.score.value, t.weight) for t in themes if t.score.value is not None),
        answered=sum(t.score.answered for t in themes),
        applicable=sum(t.score.applicable for t in themes),
    )
    return AssessmentScores(overall=overall, themes=themes)
