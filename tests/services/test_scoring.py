"""Scoring, checked against examples worked out by hand (the same ones as docs/scoring.md)."""

import pytest

from assessment.services.scoring import (
    QuestionInput,
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
