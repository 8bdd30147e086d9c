"""Maturity scoring and the action plan: pure Python, dataclasses in and out, no database access.

A selector (`assessment.selectors.scoring_input_for_assessment`) builds the input; the results page, the
PDF report and the exports all render from the `AssessmentScores` this returns, so they cannot disagree.
The rules, with a worked example, are in docs/scoring.md; each has a test in tests/services/test_scoring.py.
"""

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessment.models.levels import MaturityLevel

BANDS = {level.value: str(level.label) for level in MaturityLevel}
PILLARS = {"reset": "Reset", "renew": "Renew", "reform": "Reform", "resilient": "Resilient"}
EFFORT_LABELS = {"quick_win": "Quick win", "medium": "Medium", "major": "Major"}
HORIZONS = {"quick_win": "Next 3 months", "medium": "Next 12 months", "major": "Longer term"}
QUICKEST_FIRST = {effort: position for position, effort in enumerate(HORIZONS)}

UNVERIFIED_FROM_LEVEL = 3  # claims at this level or above need evidence behind them
CRITICAL_ALERT_UP_TO_LEVEL = 2  # a critical question answered at 1 or 2 is a critical alert
BAND_CAP_WITH_ALERT = MaturityLevel.DEVELOPING  # no average hides a baseline control that is not in place
# The action for a baseline control claimed at level 3 or above with no evidence: until it is evidenced, it is a
# critical alert like one that is not in place, so a claim alone never clears an alert.
EVIDENCE_ACTION = (
    "Record the evidence that this baseline control is in place: a named document, link or record, with an owner "
    "and a date. Until then it counts as not in place."
)
EVIDENCE_ACTION_EFFORT = "quick_win"
RANKING_MIN_COMPLETENESS = 0.6  # themes answered less than this are not called strengths or gaps
JUST_BELOW_TARGET = 0.5  # a theme at most half a level short of its target is "just below"; further is "below"
SUMMARY_ACTIONS = 10  # the executive summary shows this many actions; the annex shows them all


def shown(value: float | None) -> float | None:
    """A score as the reader sees it: one decimal place, halves rounded up (3.65 is 3.7, as a reader rounds it
    and as Django's floatformat does; Python's round() would give 3.6). Comparisons and differences the reader
    can check are made on these figures, so "2.5 → 3.0" is never called "+0.4". Every figure shown, in a table,
    a chart, a sentence or an export, goes through this."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def score_text(value: float | None, *, none: str = "Not scored") -> str:
    """A score as written: "3.7", or `none` when there is no score."""
    rounded = shown(value)
    return none if rounded is None else f"{rounded:.1f}"


def change_text(value: float) -> str:
    """A change in score with its sign, as written: "+0.4", "−0.2" (a minus sign, not a hyphen)."""
    return f"+{score_text(value)}" if value > 0 else f"−{score_text(abs(value))}"


def maturity_band(value: float | None) -> int | None:
    """The band a score falls in: 1.0–1.9 Initial … 4.0–4.9 Embedded, 5.0 Leading, from the score as shown."""
    if value is None:
        return None
    return min(5, max(1, math.floor(shown(value) or 0)))


def band_held_by_alerts(band: int | None, alerts: int) -> int | None:
    """A band as shown: no higher than Developing while a critical alert stands, for a theme and for the whole
    assessment alike (as in the NCSC CAF, no average hides a baseline control that is not achieved)."""
    return min(band, BAND_CAP_WITH_ALERT) if band is not None and alerts else band


@dataclass(frozen=True)
class ThemeInput:
    key: str
    title: str
    weight: float
    default_target: int  # the bank's target for this theme
    target: int | None = None  # the council's lead's target; None means the bank's default applies
    short_title: str = ""


@dataclass(frozen=True)
class QuestionInput:
    key: str
    theme_key: str
    weight: float
    level: int | None  # None when unanswered or not applicable
    not_applicable: bool = False
    has_evidence: bool = False
    critical: bool = False
    target: int | None = None  # the council's lead's target for this one question, if set
    pillars: tuple[str, ...] = ()
    frameworks: tuple[tuple[str, str], ...] = ()  # (framework, reference)
    text: str = ""


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
    def shown(self) -> float | None:
        return shown(self.value)

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

    @property
    def is_rankable(self) -> bool:
        """Enough of it is answered to call it a strength or a gap."""
        return self.is_scored and self.completeness >= RANKING_MIN_COMPLETENESS


@dataclass(frozen=True)
class QuestionScore:
    """One question's answer against its target, with the bank's next step for it."""

    key: str
    theme_key: str
    text: str
    weight: float
    level: int | None
    not_applicable: bool
    target: int
    target_source: str  # "question" (the lead's, for this question), "theme" (the lead's) or "bank"
    critical: bool
    unverified: bool
    recommendation: RecommendationInput | None  # the next step from this level, when below target

    @property
    def is_answered(self) -> bool:
        return self.level is not None or self.not_applicable

    @property
    def band(self) -> str | None:
        return BANDS.get(self.level) if self.level is not None else None

    @property
    def shortfall(self) -> int:
        """How many levels below its target this answer is (0 when at or above target, or unanswered)."""
        return max(self.target - self.level, 0) if self.level is not None else 0

    @property
    def below_target(self) -> bool:
        return self.shortfall > 0

    @property
    def critical_alert(self) -> bool:
        """A baseline control answered at level 1 or 2, or claimed at a higher level with no evidence."""
        return (
            self.critical and self.level is not None and (self.level <= CRITICAL_ALERT_UP_TO_LEVEL or self.unverified)
        )

    @property
    def needs_evidence(self) -> bool:
        """A baseline control claimed with no evidence: its next step is to record the evidence."""
        return self.critical_alert and self.unverified

    @property
    def next_step(self) -> tuple[str, str] | None:
        """(text, effort) of what to do next about this answer, as the action plan and the theme tables show it:
        record the evidence for a baseline control claimed without it, else the bank's step when below target."""
        if self.needs_evidence:
            return EVIDENCE_ACTION, EVIDENCE_ACTION_EFFORT
        if self.recommendation is not None:
            return self.recommendation.text, self.recommendation.effort
        return None

    @property
    def critical_alert_reason(self) -> str:
        """Why this critical alert stands, in words ("" when there is none)."""
        if not self.critical_alert:
            return ""
        return "claimed without evidence" if self.unverified else "not in place"


class HeldBand(ABC):
    """The band of a theme's or a pillar's `score` as shown: held at Developing while any of its `alert_count`
    critical alerts stands, as the overall level is."""

    score: Score

    @property
    @abstractmethod
    def alert_count(self) -> int:
        """How many critical alerts stand among its questions."""

    @property
    def band_level(self) -> int | None:
        return band_held_by_alerts(self.score.band_level, self.alert_count)

    @property
    def band(self) -> str | None:
        return BANDS[self.band_level] if self.band_level is not None else None

    @property
    def band_is_capped(self) -> bool:
        return self.band_level != self.score.band_level


@dataclass(frozen=True)
class ThemeScore(HeldBand):
    key: str
    title: str
    short_title: str
    weight: float
    score: Score
    target: int
    target_is_default: bool  # the bank's default, not set by the council's lead
    questions: list[QuestionScore]

    @property
    def answered_questions(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.level is not None]

    @property
    def unverified(self) -> int:
        return sum(1 for q in self.questions if q.unverified)

    @property
    def critical_alerts(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.critical_alert]

    @property
    def lowest_level(self) -> int | None:
        return min((q.level for q in self.answered_questions if q.level is not None), default=None)

    @property
    def low_answers(self) -> int:
        """Answers at level 1 or 2, so one strong answer cannot hide a weak one."""
        return sum(1 for q in self.answered_questions if q.level is not None and q.level <= 2)

    @property
    def alert_count(self) -> int:
        return len(self.critical_alerts)

    @property
    def gap(self) -> float | None:
        """Target minus the score as shown (negative when above target)."""
        value = self.score.shown
        return None if value is None else shown(self.target - value)

    @property
    def weighted_shortfall(self) -> float:
        """How far the theme's answers fall short of their targets: the weighted mean over answered questions of
        the levels below target (answers above target do not offset those below), times the theme's weight."""
        answered = self.answered_questions
        mean = weighted_mean((float(q.shortfall), q.weight) for q in answered)
        return (mean or 0.0) * self.weight

    @property
    def answers_below_target_on_target_theme(self) -> int:
        """In a theme at or above its target on average, how many answers are still below theirs: each has a step
        in the action plan, so "At or above target" alone would read as nothing to do there. 0 for any other
        status, which says so itself."""
        if self.status != "At or above target":
            return 0
        return sum(1 for q in self.answered_questions if q.below_target)

    @property
    def status(self) -> str:
        """The theme against its target, in words (the dashboard also shows it in colour)."""
        if self.critical_alerts:
            return "Critical alert"
        if not self.score.is_rankable:
            return "Not enough answers"
        if self.gap is not None and self.gap <= 0:
            return "At or above target"
        if self.gap is not None and self.gap <= JUST_BELOW_TARGET:
            return "Just below target"
        return "Below target"


@dataclass(frozen=True)
class GroupScore(HeldBand):
    """A score across themes: one Socitm pillar, from the questions that serve it."""

    key: str
    label: str
    score: Score
    alert_count: int = 0  # critical alerts among the questions that serve it


@dataclass(frozen=True)
class FrameworkCoverage:
    """Which questions inform one reference in another framework, and the weakest answer among them. There is
    no score: a framework such as Cyber Essentials is passed or not, and a few questions cannot certify it."""

    framework: str
    ref: str
    questions: list[QuestionScore]

    @property
    def weakest(self) -> int | None:
        return min((q.level for q in self.questions if q.level is not None), default=None)

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.level is not None)


@dataclass(frozen=True)
class ActionItem:
    rank: int
    theme_key: str
    theme_title: str
    question_key: str
    question_number: int  # its number within its theme, as the results and the report number questions
    question_text: str
    level: int
    target: int
    critical_alert: bool
    text: str
    effort: str
    priority: float  # (target − level) × question weight × theme weight
    needs_evidence: bool = False  # a baseline control claimed with no evidence: the action is to record it

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
    frameworks: list[FrameworkCoverage] = field(default_factory=list)
    action_plan: list[ActionItem] = field(default_factory=list)

    def theme(self, key: str) -> ThemeScore:
        return next(t for t in self.themes if t.key == key)

    @property
    def questions(self) -> list[QuestionScore]:
        return [q for t in self.themes for q in t.questions]

    @property
    def not_applicable(self) -> int:
        """Questions answered "Not applicable": answered, but in no score."""
        return sum(1 for q in self.questions if q.not_applicable)

    @property
    def unverified_questions(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.unverified]

    @property
    def unverified(self) -> int:
        return len(self.unverified_questions)

    @property
    def critical_alerts(self) -> list[QuestionScore]:
        return [q for q in self.questions if q.critical_alert]

    @property
    def overall_band_level(self) -> int | None:
        """The overall score's band, capped at Developing while any critical alert stands, as each theme's is."""
        return band_held_by_alerts(self.overall.band_level, len(self.critical_alerts))

    @property
    def overall_band(self) -> str | None:
        return BANDS[self.overall_band_level] if self.overall_band_level is not None else None

    @property
    def overall_band_is_capped(self) -> bool:
        return self.overall_band_level != self.overall.band_level

    @property
    def strengths(self) -> list[ThemeScore]:
        """Up to three themes furthest above their targets: answered enough to judge, at or above target, and
        with no critical alert."""
        candidates = [
            t for t in self.themes if t.score.is_rankable and not t.critical_alerts and t.gap is not None and t.gap <= 0
        ]
        return sorted(candidates, key=lambda t: (t.gap, -t.weight))[:3]

    @property
    def biggest_gaps(self) -> list[ThemeScore]:
        """Up to three themes whose answers fall furthest short of their targets, weighted by the theme's weight,
        among themes answered enough to judge. Critical alerts come first."""
        candidates = [t for t in self.themes if t.score.is_rankable and t.weighted_shortfall > 0]
        return sorted(candidates, key=lambda t: (not t.critical_alerts, -t.weighted_shortfall))[:3]

    @property
    def summary_actions(self) -> list[ActionItem]:
        return self.action_plan[:SUMMARY_ACTIONS]

    def action_plan_by_horizon(self) -> list[tuple[str, list[ActionItem]]]:
        return [
            (horizon, [item for item in self.action_plan if item.effort == effort])
            for effort, horizon in HORIZONS.items()
        ]


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is nothing to average."""
    pairs = list(pairs)
    total_weight = sum(weight for _, weight in pairs)
    if not pairs or total_weight <= 0:
        return None
    return sum(value * weight for value, weight in pairs) / total_weight


def natural_key(text: str) -> list[int | str]:
    """Sort key that puts "Point 2" before "Point 10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def _score(questions: Iterable[QuestionInput]) -> Score:
    counted = [q for q in questions if not q.not_applicable]
    levelled = [(q.level, q.weight) for q in counted if q.level is not None]
    return Score(
        value=weighted_mean((float(level), weight) for level, weight in levelled),
        answered=len(levelled),
        applicable=len(counted),
    )


def _question_score(
    question: QuestionInput, theme: ThemeInput, recommendations: dict[tuple[str, int], RecommendationInput]
) -> QuestionScore:
    if question.target is not None:
        target, source = question.target, "question"
    elif theme.target is not None:
        target, source = theme.target, "theme"
    else:
        target, source = theme.default_target, "bank"
    below = question.level is not None and question.level < target
    return QuestionScore(
        key=question.key,
        theme_key=question.theme_key,
        text=question.text,
        weight=question.weight,
        level=question.level,
        not_applicable=question.not_applicable,
        target=target,
        target_source=source,
        critical=question.critical,
        unverified=(
            question.level is not None and question.level >= UNVERIFIED_FROM_LEVEL and not question.has_evidence
        ),
        recommendation=recommendations.get((question.key, question.level)) if below and question.level else None,
    )


def _action_plan(themes: list[ThemeScore]) -> list[ActionItem]:
    """One item per answered question below its target, with the bank's next step, and one per baseline control
    claimed with no evidence, asking for the evidence (its next step comes once the claim is evidenced).
    Critical alerts first, then by (target − level) × question weight × theme weight; of equal priorities the
    quicker first (a quick win before a medium before a major), then bank order, so the plan's first lines are
    what can be done soonest among what matters most, not one theme's steps in bank order, and always come out
    the same way. Nothing else at or above its target enters the plan."""
    candidates = []
    for theme_index, theme in enumerate(themes):
        for question_index, question in enumerate(theme.questions):
            step = question.next_step
            if question.level is None or step is None:
                continue
            priority = question.shortfall * question.weight * theme.weight
            quickness = QUICKEST_FIRST[step[1]]
            order = (not question.critical_alert, -round(priority, 4), quickness, theme_index, question_index)
            candidates.append((order, theme, question, question.level, priority, question_index + 1, step))
    candidates.sort(key=lambda candidate: candidate[0])
    items = []
    for rank, (_, theme, question, level, priority, number, (text, effort)) in enumerate(candidates, start=1):
        items.append(
            ActionItem(
                rank=rank,
                theme_key=theme.key,
                theme_title=theme.title,
                question_key=question.key,
                question_number=number,
                question_text=question.text,
                level=level,
                target=question.target,
                critical_alert=question.critical_alert,
                text=text,
                effort=effort,
                priority=round(priority, 4),
                needs_evidence=question.needs_evidence,
            )
        )
    return items


def score_assessment(scoring_input: ScoringInput) -> AssessmentScores:
    """Theme score: weighted mean of the levels of answered, applicable questions.
    Overall score: weighted mean of the scored themes' scores, by theme weight.
    Not-applicable and unanswered questions count in neither numerator nor denominator."""
    recommendations = {(r.question_key, r.level): r for r in scoring_input.recommendations}
    by_theme: dict[str, list[QuestionInput]] = {t.key: [] for t in scoring_input.themes}
    for question in scoring_input.questions:
        by_theme.setdefault(question.theme_key, []).append(question)
    themes = [
        ThemeScore(
            key=theme.key,
            title=theme.title,
            short_title=theme.short_title or theme.title,
            weight=theme.weight,
            score=_score(by_theme[theme.key]),
            target=theme.target if theme.target is not None else theme.default_target,
            target_is_default=theme.target is None,
            questions=[_question_score(q, theme, recommendations) for q in by_theme[theme.key]],
        )
        for theme in scoring_input.themes
    ]
    overall = Score(
        value=weighted_mean((t.score.value, t.weight) for t in themes if t.score.value is not None),
        answered=sum(t.score.answered for t in themes),
        applicable=sum(t.score.applicable for t in themes),
    )
    question_scores = {q.key: q for t in themes for q in t.questions}
    pillars = [
        GroupScore(
            key=key,
            label=label,
            score=_score(q for q in scoring_input.questions if key in q.pillars),
            alert_count=sum(
                1 for q in scoring_input.questions if key in q.pillars and question_scores[q.key].critical_alert
            ),
        )
        for key, label in PILLARS.items()
    ]
    references = sorted(
        {ref for q in scoring_input.questions for ref in q.frameworks},
        key=lambda ref: (natural_key(ref[0]), natural_key(ref[1])),
    )
    frameworks = [
        FrameworkCoverage(
            framework=framework,
            ref=ref,
            questions=[question_scores[q.key] for q in scoring_input.questions if (framework, ref) in q.frameworks],
        )
        for framework, ref in references
    ]
    return AssessmentScores(
        overall=overall,
        themes=themes,
        pillars=pillars,
        frameworks=frameworks,
        action_plan=_action_plan(themes),
    )
