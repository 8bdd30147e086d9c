"""Maturity scoring: pure Python, dataclasses in and out, no database access.

A selector (`assessment.selectors.scoring_input_for_assessment`) builds the input; the results page, the
PDF report and the exports all render from the `AssessmentScores` this returns, so they cannot disagree.
The method is explained, with a worked example, in docs/scoring.md.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

BANDS = {1: "Initial", 2: "Developing", 3: "Defined", 4: "Embedded", 5: "Leading"}
PILLARS = {"reset": "Reset", "renew": "Renew", "reform": "Reform", "resilient": "Resilient"}
EFFORT_ORDER = {"quick_win": 0, "medium": 1, "major": 2}
EFFORT_LABELS = {"quick_win": "Quick win", "medium": "Medium", "major": "Major"}
HORIZONS = {"quick_win": "Next 3 months", "medium": "Next 12 months", "major": "Longer term"}
UNVERIFIED_FROM_LEVEL = 3  # claims at this level or above need evidence behind them


@dataclass(frozen=True)
class QuestionInput:
    key: str
    theme_key: str
    weight: float
    level: int | None  # None when unanswered or not applicable
    not_applicable: bool = False
    has_evidence: bool = False
    pillars: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()  # "Framework: ref"
    text: str = ""


@dataclass(frozen=True)
class ThemeInput:
    key: str
    title: str
    weight: float
    target: int | None = None  # set by the lead; None means the default target


@dataclass(frozen=True)
class RecommendationInput:
    question_key: str
    level: int
    text: str
    effort: str


@dataclass(frozen=True)
class ScoringInput:
    themes: list[ThemeInput]  # in bank order
    questions: list[QuestionInput]  # only the questions that apply to the council's type, in bank order
    recommendations: list[RecommendationInput] = field(default_factory=list)


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
    target: int | None
    target_is_default: bool
    unverified: int

    @property
    def gap(self) -> float | None:
        """Target minus current score."""
        if self.score.value is None or self.target is None:
            return None
        return self.target - self.score.value

    @property
    def priority(self) -> float:
        """How much closing this theme's gap matters: weight × gap (a negative gap counts as none)."""
        return self.weight * max(self.gap or 0.0, 0.0)


@dataclass(frozen=True)
class GroupScore:
    """A score across themes: one Socitm pillar, or one reference in another framework."""

    key: str
    label: str
    score: Score


@dataclass(frozen=True)
class ActionItem:
    rank: int
    theme_key: str
    theme_title: str
    question_key: str
    question_text: str
    level: int
    text: str
    effort: str
    priority: float

    @property
    def effort_label(self) -> str:
        return EFFORT_LABELS[self.effort]

    @property
    def horizon(self) -> str:
        return HORIZONS[self.effort]


@dataclass(frozen=True)
class AssessmentScores:
    overall: Score
    themes: list[ThemeScore] = field(default_factory=list)
    pillars: list[GroupScore] = field(default_factory=list)
    frameworks: list[GroupScore] = field(default_factory=list)
    unverified_questions: list[str] = field(default_factory=list)
    action_plan: list[ActionItem] = field(default_factory=list)

    def theme(self, key: str) -> ThemeScore:
        return next(t for t in self.themes if t.key == key)

    @property
    def unverified(self) -> int:
        return len(self.unverified_questions)

    @property
    def strengths(self) -> list[ThemeScore]:
        """The three highest-scoring themes."""
        scored = [t for t in self.themes if t.score.is_scored]
        return sorted(scored, key=lambda t: -(t.score.value or 0.0))[:3]

    @property
    def biggest_gaps(self) -> list[ThemeScore]:
        """The three themes where closing the gap to target matters most (weight × gap)."""
        return sorted((t for t in self.themes if t.priority > 0), key=lambda t: -t.priority)[:3]

    def action_plan_by_horizon(self) -> list[tuple[str, list[ActionItem]]]:
        return [
            (horizon, [item for item in self.action_plan if item.effort == effort])
            for effort, horizon in HORIZONS.items()
        ]


def maturity_band(value: float | None) -> int | None:
    """The band a score falls in: 1.0–1.9 Initial … 4.0–4.9 Embedded, 5.0 Leading.

    Bands are taken from the score as shown, rounded to one decimal place, so a score shown as 3.0 is
    always "Defined" even when it is 2.96 before rounding."""
    if value is None:
        return None
    return min(5, max(1, math.floor(round(value, 1))))


def default_target(score: Score) -> int | None:
    """One band above where the theme is now, at most 5; no target for a theme with nothing scored."""
    band = score.band_level
    return None if band is None else min(5, band + 1)


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is nothing to average."""
    pairs = list(pairs)
    total_weight = sum(weight for _, weight in pairs)
    if not pairs or total_weight <= 0:
        return None
    return sum(value * weight for value, weight in pairs) / total_weight


def _score(questions: list[QuestionInput]) -> Score:
    counted = [q for q in questions if not q.not_applicable]
    levelled = [(q.level, q.weight) for q in counted if q.level is not None]
    return Score(
        value=weighted_mean((float(level), weight) for level, weight in levelled),
        answered=len(levelled),
        applicable=len(counted),
    )


def _is_unverified(question: QuestionInput) -> bool:
    return question.level is not None and question.level >= UNVERIFIED_FROM_LEVEL and not question.has_evidence


def _action_plan(
    scoring_input: ScoringInput, themes: list[ThemeScore], questions: list[QuestionInput]
) -> list[ActionItem]:
    """The recommendation for each answered question's level, ranked by its theme's weight × gap, then quick
    wins first, then bank order (theme, then question), so equal priorities always come out the same way."""
    theme_by_key = {t.key: t for t in themes}
    theme_order = {t.key: index for index, t in enumerate(scoring_input.themes)}
    question_order = {q.key: index for index, q in enumerate(questions)}
    recommendation = {(r.question_key, r.level): r for r in scoring_input.recommendations}
    candidates = []
    for question in questions:
        if question.level is None:
            continue
        rec = recommendation.get((question.key, question.level))
        if rec is not None:
            candidates.append((question, question.level, rec, theme_by_key[question.theme_key]))
    candidates.sort(
        key=lambda c: (
            -c[3].priority,
            EFFORT_ORDER[c[2].effort],
            theme_order[c[3].key],
            question_order[c[0].key],
        )
    )
    return [
        ActionItem(
            rank=rank,
            theme_key=theme.key,
            theme_title=theme.title,
            question_key=question.key,
            question_text=question.text,
            level=level,
            text=rec.text,
            effort=rec.effort,
            priority=theme.priority,
        )
        for rank, (question, level, rec, theme) in enumerate(candidates, start=1)
    ]


def score_assessment(scoring_input: ScoringInput) -> AssessmentScores:
    """Theme score: weighted mean of the levels of answered, applicable questions.
    Overall score: weighted mean of the scored themes' scores, by theme weight.
    Not-applicable and unanswered questions count in neither numerator nor denominator."""
    by_theme: dict[str, list[QuestionInput]] = {t.key: [] for t in scoring_input.themes}
    for question in scoring_input.questions:
        by_theme.setdefault(question.theme_key, []).append(question)
    themes = []
    for theme in scoring_input.themes:
        score = _score(by_theme[theme.key])
        themes.append(
            ThemeScore(
                key=theme.key,
                title=theme.title,
                weight=theme.weight,
                score=score,
                target=theme.target if theme.target is not None else default_target(score),
                target_is_default=theme.target is None,
                unverified=sum(1 for q in by_theme[theme.key] if _is_unverified(q)),
            )
        )
    overall = Score(
        value=weighted_mean((t.score.value, t.weight) for t in themes if t.score.value is not None),
        answered=sum(t.score.answered for t in themes),
        applicable=sum(t.score.applicable for t in themes),
    )
    pillars = [
        GroupScore(key=key, label=label, score=_score([q for q in scoring_input.questions if key in q.pillars]))
        for key, label in PILLARS.items()
    ]
    references = sorted({ref for q in scoring_input.questions for ref in q.frameworks})
    frameworks = [
        GroupScore(key=ref, label=ref, score=_score([q for q in scoring_input.questions if ref in q.frameworks]))
        for ref in references
    ]
    return AssessmentScores(
        overall=overall,
        themes=themes,
        pillars=pillars,
        frameworks=frameworks,
        unverified_questions=[q.key for q in scoring_input.questions if _is_unverified(q)],
        action_plan=_action_plan(scoring_input, themes, scoring_input.questions),
    )
