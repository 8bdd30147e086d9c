"""Scoring, checked against examples worked out by hand (the same ones as docs/scoring.md)."""

import pytest

from assessment.services.scoring import (
    QuestionInput,
    RecommendationInput,
    ScoringInput,
    ThemeInput,
    maturity_band,
    score_assessment,
)


def q(key, theme, level, weight=1.0, na=False):
    return QuestionInput(key=key, theme_key=theme, weight=weight, level=level, not_applicable=na)


def test_theme_score_is_weighted_mean_of_answered_levels():
    # Given levels 4 (weight 2) and 1 (weight 1): (4×2 + 1×1) / 3 = 3.0
    result = score_assessment(
        ScoringInput(themes=[ThemeInput("a", "A", 1)], questions=[q("x", "a", 4, 2), q("y", "a", 1, 1)])
    )
    assert result.theme("a").score.value == pytest.approx(3.0)
    assert result.theme("a").score.band == "Defined"


def test_not_applicable_and_unanswered_are_left_out_of_numerator_and_denominator():
    # Only the level-2 answer counts: score 2.0, answered 1 of 2 applicable (the N/A is not applicable).
    result = score_assessment(
        ScoringInput(
            themes=[ThemeInput("a", "A", 1)],
            questions=[q("x", "a", 2), q("y", "a", None, na=True), q("z", "a", None)],
        )
    )
    score = result.theme("a").score
    assert score.value == pytest.approx(2.0)
    assert (score.answered, score.applicable) == (1, 2)
    assert score.completeness == pytest.approx(0.5)


def test_overall_is_weighted_mean_of_theme_scores_not_of_questions():
    # Theme a: 5.0 from one question, theme weight 1. Theme b: (1+2+3)/3 = 2.0, theme weight 3.
    # Overall = (5×1 + 2×3) / 4 = 2.75, where a mean over the four questions would give 2.75 only by chance
    # of weights; here it would be (5+1+2+3)/4 = 2.75 too, so theme b's weight 3 is what makes the difference
    # from the unweighted theme mean (5+2)/2 = 3.5.
    result = score_assessment(
        ScoringInput(
            themes=[ThemeInput("a", "A", 1), ThemeInput("b", "B", 3)],
            questions=[q("p", "a", 5), q("r", "b", 1), q("s", "b", 2), q("t", "b", 3)],
        )
    )
    assert result.theme("b").score.value == pytest.approx(2.0)
    assert result.overall.value == pytest.approx(2.75)
    assert result.overall.band == "Developing"
    assert (result.overall.answered, result.overall.applicable) == (4, 4)


def test_partly_completed_assessment_scores_what_is_answered():
    result = score_assessment(
        ScoringInput(
            themes=[ThemeInput("a", "A", 1), ThemeInput("b", "B", 1)],
            questions=[q("p", "a", 4), q("r", "a", None), q("s", "b", None)],
        )
    )
    assert result.theme("a").score.value == pytest.approx(4.0)
    assert result.theme("b").score.value is None  # not scored, and it does not drag the overall down
    assert result.overall.value == pytest.approx(4.0)
    assert (result.overall.answered, result.overall.applicable) == (1, 3)


def test_all_not_applicable_is_not_scored_rather_than_a_division_by_zero():
    result = score_assessment(ScoringInput(themes=[ThemeInput("a", "A", 1)], questions=[q("x", "a", None, na=True)]))
    assert result.theme("a").score.value is None
    assert result.theme("a").score.band is None
    assert result.theme("a").score.completeness == 0.0
    assert result.overall.value is None


@pytest.mark.parametrize(
    ("value", "band"),
    [(1.0, 1), (1.94, 1), (1.96, 2), (2.96, 3), (3.5, 3), (4.99, 5), (5.0, 5), (None, None)],
)
def test_band_follows_the_score_as_shown_to_one_decimal_place(value, band):
    assert maturity_band(value) == band


def test_the_worked_example_in_docs_scoring_md():
    result = score_assessment(
        ScoringInput(
            themes=[ThemeInput("a", "A", 2), ThemeInput("b", "B", 3)],
            questions=[
                q("a1", "a", 4, 2),
                q("a2", "a", 1, 1),
                q("b1", "b", 1),
                q("b2", "b", 2),
                q("b3", "b", 3),
                q("b4", "b", None, na=True),
            ],
        )
    )
    assert result.theme("a").score.value == pytest.approx(3.0)
    assert result.theme("b").score.value == pytest.approx(2.0)
    assert (result.theme("b").score.answered, result.theme("b").score.applicable) == (3, 3)
    assert result.overall.value == pytest.approx(2.4)
    assert result.overall.band == "Developing"


# Targets, evidence, pillars and the action plan --------------------------------------------------------------


def rec(key, level, effort="medium"):
    return RecommendationInput(question_key=key, level=level, text=f"{key} step {level}", effort=effort)


def test_default_target_is_one_level_above_the_current_band_at_most_5():
    result = score_assessment(
        ScoringInput(
            themes=[ThemeInput("a", "A", 1), ThemeInput("b", "B", 1), ThemeInput("c", "C", 1)],
            questions=[q("x", "a", 2), q("y", "a", 3), q("z", "b", 5), q("w", "c", None)],
        )
    )
    a, b, c = result.themes
    assert (a.score.value, a.target, a.gap) == (2.5, 3, 0.5)
    assert (b.target, b.gap) == (5, 0)
    assert (c.target, c.gap) == (None, None)  # nothing scored, nothing to aim from
    assert a.target_is_default


def test_a_leads_target_replaces_the_default_and_sets_the_gap():
    result = score_assessment(ScoringInput(themes=[ThemeInput("a", "A", 2, target=5)], questions=[q("x", "a", 2)]))
    theme = result.theme("a")
    assert (theme.target, theme.gap, theme.priority) == (5, 3.0, 6.0)
    assert not theme.target_is_default


def test_claims_at_level_3_or_above_without_evidence_are_unverified():
    questions = [
        QuestionInput("x", "a", 1, 3, has_evidence=False),
        QuestionInput("y", "a", 1, 4, has_evidence=True),
        QuestionInput("z", "a", 1, 2, has_evidence=False),  # below 3: not a claim that needs evidence
        QuestionInput("w", "a", 1, 5, has_evidence=False),
    ]
    result = score_assessment(ScoringInput(themes=[ThemeInput("a", "A", 1)], questions=questions))
    assert result.unverified_questions == ["x", "w"]
    assert result.theme("a").unverified == 2


def test_pillar_and_framework_scores_cut_across_themes():
    questions = [
        QuestionInput("x", "a", 1, 2, pillars=("reset", "reform"), frameworks=("NCSC CAF: B4",)),
        QuestionInput("y", "b", 3, 4, pillars=("reform",), frameworks=("NCSC CAF: B4",)),
        QuestionInput("z", "b", 1, None, not_applicable=True, pillars=("renew",)),
    ]
    result = score_assessment(
        ScoringInput(themes=[ThemeInput("a", "A", 1), ThemeInput("b", "B", 1)], questions=questions)
    )
    pillars = {p.key: p.score for p in result.pillars}
    assert pillars["reset"].value == pytest.approx(2.0)
    assert pillars["reform"].value == pytest.approx((2 * 1 + 4 * 3) / 4)  # 3.5, by question weight
    assert pillars["renew"].value is None and pillars["resilient"].applicable == 0
    assert [(f.label, f.score.value) for f in result.frameworks] == [("NCSC CAF: B4", pytest.approx(3.5))]


def test_action_plan_ranks_by_weight_times_gap_then_quick_wins_then_bank_order():
    # Theme a: weight 1, score 2 → default target 3, gap 1, priority 1.
    # Theme b: weight 2, score 2 → target 3, priority 2: its items come first.
    # Theme c: weight 1, score 2, lead's target 3: priority 1, a tie with a, broken by bank order (a first).
    themes = [ThemeInput("a", "A", 1), ThemeInput("b", "B", 2), ThemeInput("c", "C", 1, target=3)]
    questions = [q("a1", "a", 2), q("b1", "b", 2), q("b2", "b", 2), q("c1", "c", 2)]
    recs = [rec("a1", 2, "medium"), rec("b1", 2, "major"), rec("b2", 2, "quick_win"), rec("c1", 2, "medium")]
    result = score_assessment(ScoringInput(themes=themes, questions=questions, recommendations=recs))
    assert [item.question_key for item in result.action_plan] == ["b2", "b1", "a1", "c1"]
    assert [item.rank for item in result.action_plan] == [1, 2, 3, 4]
    horizons = dict(result.action_plan_by_horizon())
    assert [i.question_key for i in horizons["Next 3 months"]] == ["b2"]
    assert [i.question_key for i in horizons["Next 12 months"]] == ["a1", "c1"]
    assert [i.question_key for i in horizons["Longer term"]] == ["b1"]


def test_action_plan_uses_the_recommendation_for_each_answers_level_only():
    recs = [rec("x", level) for level in range(1, 6)]
    result = score_assessment(
        ScoringInput(
            themes=[ThemeInput("a", "A", 1)],
            questions=[q("x", "a", 4), q("y", "a", None, na=True)],
            recommendations=recs + [rec("y", 1)],
        )
    )
    assert [(i.question_key, i.level, i.text) for i in result.action_plan] == [("x", 4, "x step 4")]


def test_strengths_and_biggest_gaps():
    themes = [ThemeInput(k, k.upper(), 1) for k in "abcd"]
    questions = [q("a1", "a", 5), q("b1", "b", 1), q("c1", "c", 3), q("d1", "d", 4)]
    result = score_assessment(ScoringInput(themes=themes, questions=questions))
    assert [t.key for t in result.strengths] == ["a", "d", "c"]
    # Every gap here is 1 (one level up, weight 1): ties keep bank order, and a (at 5) has no gap.
    assert [t.key for t in result.biggest_gaps] == ["b", "c", "d"]
