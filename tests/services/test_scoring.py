"""Scoring, targets, critical alerts and the action plan, checked against examples worked out by hand (the worked
example is the one in docs/scoring.md)."""

import pytest

from assessment.services.scoring import (
    QuestionInput,
    RecommendationInput,
    ScoringInput,
    ThemeInput,
    maturity_band,
    natural_key,
    score_assessment,
    shown,
)


def theme(key, weight=1.0, default_target=3, target=None):
    return ThemeInput(key=key, title=key.upper(), weight=weight, default_target=default_target, target=target)


def q(key, theme_key, level, weight=1.0, na=False, **kwargs):
    return QuestionInput(key=key, theme_key=theme_key, weight=weight, level=level, not_applicable=na, **kwargs)


def rec(key, level, effort="medium"):
    return RecommendationInput(question_key=key, level=level, text=f"{key} step {level}", effort=effort)


def recs_for(*keys, effort="medium"):
    return [rec(key, level, effort) for key in keys for level in range(1, 6)]


def score(themes, questions, recommendations=()):
    return score_assessment(ScoringInput(themes=themes, questions=questions, recommendations=list(recommendations)))


# Scores ---------------------------------------------------------------------------------------------------


def test_theme_score_is_weighted_mean_of_answered_levels():
    # Levels 4 (weight 2) and 1 (weight 1): (4×2 + 1×1) / 3 = 3.0
    result = score([theme("a")], [q("x", "a", 4, 2), q("y", "a", 1, 1)])
    assert result.theme("a").score.value == pytest.approx(3.0)
    assert result.theme("a").band == "Defined"


def test_not_applicable_and_unanswered_are_left_out_of_numerator_and_denominator():
    result = score([theme("a")], [q("x", "a", 2), q("y", "a", None, na=True), q("z", "a", None)])
    theme_score = result.theme("a").score
    assert theme_score.value == pytest.approx(2.0)
    assert (theme_score.answered, theme_score.applicable) == (1, 2)


def test_overall_is_the_mean_of_theme_scores_weighted_by_theme_weight():
    # Theme a (weight 1): 5.0. Theme b (weight 3): 1.0. Weighted by theme: (5×1 + 1×3) / 4 = 2.0.
    # The mean over questions would be (5 + 1 + 1) / 3 = 2.33 and the unweighted theme mean (5 + 1) / 2 = 3.0.
    result = score([theme("a", 1), theme("b", 3)], [q("p", "a", 5), q("r", "b", 1), q("s", "b", 1)])
    assert result.overall.value == pytest.approx(2.0)


def test_partly_completed_assessment_scores_what_is_answered():
    result = score([theme("a"), theme("b")], [q("p", "a", 4), q("r", "a", None), q("s", "b", None)])
    assert result.theme("a").score.value == pytest.approx(4.0)
    assert result.theme("b").score.value is None  # not scored, and it does not drag the overall down
    assert result.overall.value == pytest.approx(4.0)
    assert (result.overall.answered, result.overall.applicable) == (1, 3)


def test_all_not_applicable_is_not_scored_rather_than_a_division_by_zero():
    result = score([theme("a")], [q("x", "a", None, na=True)])
    assert result.theme("a").score.value is None and result.theme("a").band is None
    assert result.overall.value is None


@pytest.mark.parametrize(
    ("value", "band"),
    [(1.0, 1), (1.94, 1), (1.96, 2), (2.96, 3), (3.5, 3), (4.99, 5), (5.0, 5), (None, None)],
)
def test_band_follows_the_score_as_shown_to_one_decimal_place(value, band):
    assert maturity_band(value) == band


def test_a_score_is_shown_with_halves_rounded_up_everywhere_it_is_written():
    # 3.65 is stored as 3.6499999…: Python's round() and format give 3.6, which a reader (and Django's
    # floatformat) rounds to 3.7. A peer median of 3.65 once read 3.6 in the chart and 3.7 in the table.
    from assessment.services.benchmarks import ThemeBenchmark
    from assessment.services.charts import benchmark_strip_plot
    from assessment.templatetags.maturity import score as score_filter

    assert (shown(3.65), shown(2.25), shown(2.24), shown(None)) == (3.7, 2.3, 2.2, None)
    peers = ThemeBenchmark("k", "Automation", "Automation", 5, 3.25, 3.65, 3.85, own=3.7)
    plot = benchmark_strip_plot(chart_id="c", group="County councils", themes=[peers])
    assert plot.rows[0].value_label == "You 3.7, median 3.7"
    assert "lower quartile 3.3, median 3.7, upper quartile 3.9" in plot.description
    assert score_filter(peers.median) == "3.7" and peers.position == "Level with the median"


# Targets --------------------------------------------------------------------------------------------------


def test_a_questions_target_is_its_own_else_its_themes_else_the_banks_default():
    themes = [theme("a", default_target=3), theme("b", default_target=3, target=5)]
    questions = [q("a1", "a", 2), q("a2", "a", 2, target=1), q("b1", "b", 2)]
    result = score(themes, questions)
    targets = {question.key: (question.target, question.target_source) for question in result.questions}
    assert targets == {"a1": (3, "bank"), "a2": (1, "question"), "b1": (5, "theme")}
    assert result.theme("a").target_is_default and not result.theme("b").target_is_default


def test_the_default_target_does_not_move_with_the_score():
    # The old rule ("one band above the current score") made a theme at 2.9 the lowest priority.
    low = score([theme("a", default_target=4)], [q("x", "a", 3), q("y", "a", 3), q("z", "a", 2)])
    assert low.theme("a").target == 4
    assert low.theme("a").gap == pytest.approx(1.3)


# Critical alerts ------------------------------------------------------------------------------------------


def test_a_critical_question_at_level_1_or_2_is_an_alert_and_caps_its_themes_band():
    themes = [theme("cyber", default_target=4)]
    questions = [
        q("backups", "cyber", 2, critical=True),
        q("patching", "cyber", 5),
        q("mfa", "cyber", 5),
        q("training", "cyber", 5),
    ]
    result = score(themes, questions)
    cyber = result.theme("cyber")
    assert cyber.score.value == pytest.approx(4.25)
    assert cyber.score.band == "Embedded"  # the score is what it is...
    assert cyber.band == "Developing" and cyber.band_is_capped  # ...but the theme is shown no higher
    assert [alert.key for alert in result.critical_alerts] == ["backups"]
    assert cyber.status == "Critical alert"
    # The overall level is held the same way: 4.25 is Embedded, but not while a baseline control is missing.
    assert (result.overall.band, result.overall_band, result.overall_band_is_capped) == (
        "Embedded",
        "Developing",
        True,
    )


def test_a_critical_question_at_level_3_with_evidence_is_not_an_alert():
    result = score(
        [theme("cyber")], [q("backups", "cyber", 3, critical=True, has_evidence=True), q("patching", "cyber", 4)]
    )
    assert result.critical_alerts == []
    assert result.theme("cyber").band == "Defined" and not result.theme("cyber").band_is_capped
    assert result.overall_band == "Defined" and not result.overall_band_is_capped


def test_a_baseline_control_claimed_without_evidence_stays_an_alert_and_the_plan_asks_for_the_evidence():
    # Incident response raised from level 1 to 3 with a note but no evidence item: a claim alone must not clear
    # the alert, and the first action is to evidence it (its next step, 3 → 4, follows once it is).
    questions = [
        q("incident-response", "cyber", 3, critical=True),
        q("patching", "cyber", 2),
        q("backups", "cyber", 4, critical=True, has_evidence=True),
    ]
    result = score([theme("cyber", default_target=4)], questions, recs_for("incident-response", "patching", "backups"))
    (alert,) = result.critical_alerts
    assert (alert.key, alert.critical_alert_reason) == ("incident-response", "claimed without evidence")
    assert result.theme("cyber").band == "Developing"
    first, second = result.action_plan
    assert (first.question_key, first.critical_alert, first.needs_evidence, first.effort) == (
        "incident-response",
        True,
        True,
        "quick_win",
    )
    assert first.text.startswith("Record the evidence that this baseline control is in place")
    assert (second.question_key, second.text) == ("patching", "patching step 2")

    evidenced = [q("incident-response", "cyber", 3, critical=True, has_evidence=True), *questions[1:]]
    result = score([theme("cyber", default_target=4)], evidenced, recs_for("incident-response", "patching", "backups"))
    assert result.critical_alerts == []
    assert [(i.question_key, i.text) for i in result.action_plan] == [
        ("patching", "patching step 2"),
        ("incident-response", "incident-response step 3"),
    ]


# The action plan ------------------------------------------------------------------------------------------


def test_only_answers_below_target_enter_the_plan_and_level_5_never_does():
    questions = [q("low", "a", 1), q("at", "a", 3), q("above", "a", 4), q("top", "a", 5), q("none", "a", None)]
    result = score([theme("a")], questions, recs_for("low", "at", "above", "top", "none"))
    assert [(item.question_key, item.level, item.target, item.text) for item in result.action_plan] == [
        ("low", 1, 3, "low step 1")
    ]


def test_critical_alerts_come_first_then_gap_times_question_and_theme_weight_then_bank_order():
    themes = [theme("a", weight=1), theme("b", weight=2), theme("cyber", weight=1, default_target=3)]
    questions = [
        q("a1", "a", 1, weight=1),  # (3 − 1) × 1 × 1 = 2
        q("a2", "a", 2, weight=2),  # (3 − 2) × 2 × 1 = 2, a tie with a1: bank order
        q("b1", "b", 1, weight=2),  # (3 − 1) × 2 × 2 = 8
        q("backups", "cyber", 2, critical=True),  # (3 − 2) × 1 × 1 = 1, but a critical alert
    ]
    result = score(themes, questions, recs_for("a1", "a2", "b1", "backups"))
    assert [(item.question_key, item.priority) for item in result.action_plan] == [
        ("backups", 1.0),
        ("b1", 8.0),
        ("a1", 2.0),
        ("a2", 2.0),
    ]
    assert [item.rank for item in result.action_plan] == [1, 2, 3, 4]
    assert result.action_plan[0].critical_alert


def test_of_actions_that_matter_equally_the_quicker_comes_first_then_bank_order():
    # Every answer here has priority 2, the tie that fills most of a real plan's first ten lines. A chief officer
    # reading them should meet what can be done this quarter before what takes years, whichever theme it is in.
    themes = [theme("online", weight=2), theme("cyber", weight=1, default_target=4)]
    questions = [
        q("transactions", "online", 2),  # (3 − 2) × 1 × 2 = 2, major
        q("research", "online", 2),  # 2, medium
        q("training", "cyber", 2),  # (4 − 2) × 1 × 1 = 2, quick win
        q("monitoring", "cyber", 2),  # 2, medium: after "research", by bank order
        q("supplier-review", "cyber", 2),  # 2, quick win: after "training", by bank order
    ]
    recommendations = [
        rec("transactions", 2, "major"),
        rec("research", 2, "medium"),
        rec("training", 2, "quick_win"),
        rec("monitoring", 2, "medium"),
        rec("supplier-review", 2, "quick_win"),
    ]
    result = score(themes, questions, recommendations)
    assert {item.priority for item in result.action_plan} == {2.0}
    assert [(item.question_key, item.effort) for item in result.action_plan] == [
        ("training", "quick_win"),
        ("supplier-review", "quick_win"),
        ("research", "medium"),
        ("monitoring", "medium"),
        ("transactions", "major"),
    ]


def test_effort_is_the_recommendations_own_and_the_horizon_follows_it():
    questions = [q("x", "a", 1), q("y", "a", 1), q("z", "a", 1)]
    recommendations = [rec("x", 1, "major"), rec("y", 1, "quick_win"), rec("z", 1, "medium")]
    result = score([theme("a")], questions, recommendations)
    assert {item.question_key: (item.effort_label, item.horizon) for item in result.action_plan} == {
        "x": ("Major", "Longer term"),
        "y": ("Quick win", "Next 3 months"),
        "z": ("Medium", "Next 12 months"),
    }
    horizons = dict(result.action_plan_by_horizon())
    assert [item.question_key for item in horizons["Next 3 months"]] == ["y"]


def test_the_summary_shows_the_first_ten_actions():
    questions = [q(f"x{n}", "a", 1) for n in range(12)]
    result = score([theme("a")], questions, recs_for(*(f"x{n}" for n in range(12))))
    assert len(result.action_plan) == 12
    assert [item.rank for item in result.summary_actions] == list(range(1, 11))


# Gaps, strengths, spread, evidence, frameworks ------------------------------------------------------------


def test_gaps_and_strengths_come_from_the_weighted_gap_to_target_and_well_answered_themes_only():
    themes = [
        theme("strong", default_target=3),  # 4.0, one above target
        theme("close", default_target=3),  # 3.0, at target
        theme("gap", weight=2, default_target=3),  # 2.0, weighted shortfall 1 × 2
        theme("small-gap", default_target=3),  # 2.5, weighted shortfall 0.5
        theme("thin", default_target=3),  # 5.0 from 1 of 4 answered: neither a strength nor a gap
    ]
    questions = [
        q("s1", "strong", 4),
        q("c1", "close", 3),
        q("g1", "gap", 2),
        q("m1", "small-gap", 2),
        q("m2", "small-gap", 3),
        q("t1", "thin", 5),
        *(q(f"t{n}", "thin", None) for n in range(2, 5)),
    ]
    result = score(themes, questions)
    assert [t.key for t in result.biggest_gaps] == ["gap", "small-gap"]
    assert [t.key for t in result.strengths] == ["strong", "close"]
    assert result.theme("thin").status == "Not enough answers"


def test_one_strong_answer_cannot_hide_a_weak_one():
    result = score([theme("a", default_target=3)], [q("x", "a", 5), q("y", "a", 1)])
    a = result.theme("a")
    assert a.score.value == pytest.approx(3.0) and a.gap == 0  # on average the theme is at target...
    assert (a.lowest_level, a.low_answers) == (1, 1)  # ...but its spread shows the weak answer
    assert [t.key for t in result.biggest_gaps] == ["a"]  # and it is still a gap: 5 does not offset 1


def test_claims_at_level_3_or_above_without_evidence_are_unverified():
    questions = [
        q("x", "a", 3, has_evidence=False),
        q("y", "a", 4, has_evidence=True),
        q("z", "a", 2, has_evidence=False),  # below 3: not a claim that needs evidence
        q("w", "a", 5, has_evidence=False),
    ]
    result = score([theme("a")], questions)
    assert [question.key for question in result.unverified_questions] == ["x", "w"]
    assert result.theme("a").unverified == 2


def test_pillars_score_the_same_answers_and_frameworks_only_show_coverage():
    questions = [
        q("x", "a", 2, pillars=("reset", "reform"), frameworks=(("Service Standard", "Point 10"),)),
        q("y", "b", 4, weight=3, pillars=("reform",), frameworks=(("Service Standard", "Point 2"),)),
        q("z", "b", None, na=True, pillars=("renew",), frameworks=(("Cyber Essentials", "Firewalls"),)),
    ]
    result = score([theme("a"), theme("b")], questions)
    pillars = {p.key: p.score for p in result.pillars}
    assert pillars["reset"].value == pytest.approx(2.0)
    assert pillars["reform"].value == pytest.approx((2 * 1 + 4 * 3) / 4)
    assert pillars["renew"].value is None
    coverage = [(f.framework, f.ref, [question.key for question in f.questions], f.weakest) for f in result.frameworks]
    assert coverage == [
        ("Cyber Essentials", "Firewalls", ["z"], None),
        ("Service Standard", "Point 2", ["y"], 4),
        ("Service Standard", "Point 10", ["x"], 2),  # natural order: 2 before 10
    ]
    assert not hasattr(result.frameworks[0], "score")


def test_a_pillars_level_is_held_at_developing_by_a_critical_alert_among_its_questions():
    # "Resilient: Defined" stood beside a council with no cyber incident plan: the hold on the theme and the
    # overall level did not reach the pillars, so an average hid the baseline control there.
    questions = [
        q("incident-response", "cyber", 1, critical=True, pillars=("resilient",)),
        q("backups", "cyber", 5, weight=3, pillars=("resilient",), has_evidence=True),
        q("strategy", "lead", 4, pillars=("reform",), has_evidence=True),
    ]
    result = score([theme("cyber"), theme("lead")], questions)
    pillars = {p.key: p for p in result.pillars}
    resilient, reform = pillars["resilient"], pillars["reform"]
    assert (resilient.score.value, resilient.score.band) == (pytest.approx(4.0), "Embedded")
    assert (resilient.band, resilient.band_is_capped) == ("Developing", True)
    assert (reform.band, reform.band_is_capped) == ("Embedded", False)
    assert pillars["renew"].band is None


def test_natural_sort_key():
    assert sorted(["Point 10", "Point 2", "point 1"], key=natural_key) == ["point 1", "Point 2", "Point 10"]


# The worked example in docs/scoring.md --------------------------------------------------------------------


def test_the_worked_example_in_docs_scoring_md():
    themes = [
        theme("a", weight=2, default_target=4),
        theme("b", weight=1, default_target=3, target=4),
        theme("c", weight=1.5, default_target=3),
    ]
    questions = [
        q("a1", "a", 2, critical=True),
        q("a2", "a", 4),
        q("a3", "a", 4),
        q("b1", "b", 3),
        q("b2", "b", 2, target=2),
        q("b3", "b", None),
        q("c1", "c", 1, weight=2),
        q("c2", "c", 4),
    ]
    result = score(themes, questions, recs_for("a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2"))
    a, b, c = result.themes
    assert (a.score.shown, a.score.band, a.band) == (3.3, "Defined", "Developing")
    assert (b.score.shown, b.score.answered, b.score.applicable, b.band) == (2.5, 2, 3, "Developing")
    assert (c.score.shown, c.band) == (2.0, "Developing")
    assert (result.overall.shown, result.overall.band) == (2.7, "Developing")
    assert [(i.rank, i.question_key, i.priority) for i in result.action_plan] == [
        (1, "a1", 4.0),
        (2, "c1", 6.0),
        (3, "b1", 1.0),
    ]
    assert [t.key for t in result.biggest_gaps] == ["a", "c", "b"]
    assert [round(t.weighted_shortfall, 2) for t in result.biggest_gaps] == [1.33, 2.0, 0.5]
    assert result.strengths == []
    assert (a.lowest_level, a.low_answers, c.lowest_level, c.low_answers) == (2, 1, 1, 1)


@pytest.mark.parametrize(
    ("levels", "status"),
    [
        ((3, 3), "At or above target"),
        ((3, 2), "Just below target"),  # 2.5 against 3: half a level short, and still short ("close" read as fine)
        ((2, 2, 3), "Below target"),  # 2.3: most of a level short is not "close"
        ((1, 2), "Below target"),
    ],
)
def test_a_theme_is_just_below_its_target_only_within_half_a_level(levels, status):
    questions = [q(f"q{n}", "a", level) for n, level in enumerate(levels)]
    assert score([theme("a", default_target=3)], questions).theme("a").status == status


@pytest.mark.parametrize(
    ("levels", "status", "below"),
    [
        ((5, 5, 1), "At or above target", 1),  # 3.7 against 3, with a level 1 answer that the average hides
        ((4, 4, 2, 2), "At or above target", 2),
        ((3, 3), "At or above target", 0),
        ((3, 2), "Just below target", 0),  # the status itself says there is work to do
    ],
)
def test_a_theme_at_target_on_average_says_how_many_answers_are_below_it(levels, status, below):
    questions = [q(f"q{n}", "a", level) for n, level in enumerate(levels)]
    result = score([theme("a", default_target=3)], questions).theme("a")
    assert (result.status, result.answers_below_target_on_target_theme) == (status, below)
