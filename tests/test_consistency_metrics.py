"""Metric code against known answers."""

from __future__ import annotations

import pytest

from trainer.consistency import metrics as m

# The krippendorff package's published example (3 coders × 15 units, nominal): α = 0.691358.
_K = [[None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
      [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
      [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4]]
KRIPPENDORFF_EXAMPLE = [[None if _K[c][u] is None else str(_K[c][u]) for c in range(3)]
                        for u in range(15)]

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges. ICC(2,1) = 0.29, ICC(2,4) = 0.62.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9],
                 [6, 2, 4, 7]]

# Skewed: 100 items, two runs; 96 agree on pass, 4 disagree. Agreement is 96% but α and κ read
# near zero because "fail" is so rare; AC1 stays near the observed agreement.
SKEWED = [["pass", "pass"]] * 96 + [["pass", "fail"]] * 2 + [["fail", "pass"]] * 2


def test_krippendorff_published_example() -> None:
    assert m.krippendorff_alpha(KRIPPENDORFF_EXAMPLE) == pytest.approx(0.691358, abs=1e-6)


def test_alpha_undefined_without_variation() -> None:
    assert m.krippendorff_alpha([["pass", "pass"], ["pass", "pass"]]) is None
    assert m.krippendorff_alpha([["pass", None], ["fail"]]) is None  # nothing pairable


def test_alpha_perfect_agreement() -> None:
    assert m.krippendorff_alpha([["pass", "pass"], ["fail", "fail"]]) == pytest.approx(1.0)


def test_ac1_skewed_case_high_where_alpha_low() -> None:
    # Hand-worked: pa = 0.96; π_pass = 0.98, π_fail = 0.02; pe = 2·0.98·0.02/(2-1) = 0.0392;
    # AC1 = (0.96 - 0.0392) / (1 - 0.0392) = 0.958368.
    assert m.gwet_ac1(SKEWED) == pytest.approx(0.958368, abs=1e-6)
    alpha = m.krippendorff_alpha(SKEWED)
    assert alpha is not None and alpha < 0.0
    assert m.percent_agreement(SKEWED) == pytest.approx(0.96)


def test_ac1_three_categories_hand_worked() -> None:
    # Two items, three raters: (p, p, f) and (p, p, p). pa = (1/3 + 1)/2 = 2/3.
    # π_p = (2/3 + 1)/2 = 5/6, π_f = 1/6, π_na = 0; pe = (5/36 + 5/36 + 0)/(3-1) = 5/36.
    # AC1 = (2/3 - 5/36)/(1 - 5/36) = (19/36)/(31/36) = 19/31.
    table = [["pass", "pass", "fail"], ["pass", "pass", "pass"]]
    assert m.gwet_ac1(table, ["pass", "fail", "na"]) == pytest.approx(19 / 31)


def test_ac1_ignores_missing_ratings() -> None:
    assert m.gwet_ac1([["pass", "pass", None], ["fail", "fail"]]) == pytest.approx(1.0)


def test_cohen_kappa_hand_worked() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15. po = 0.7; pe = .5·.6 + .5·.4 = 0.5;
    # κ = (0.7 - 0.5)/(1 - 0.5) = 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert m.cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_edge_cases() -> None:
    assert m.cohen_kappa(["pass"] * 3, ["pass"] * 3) is None  # chance agreement is 1
    assert m.cohen_kappa([], []) is None
    with pytest.raises(ValueError):
        m.cohen_kappa(["pass"], [])


def test_icc_shrout_fleiss() -> None:
    result = m.icc(SHROUT_FLEISS)
    assert result.single == pytest.approx(0.2898, abs=1e-4)  # published 0.29
    assert result.average == pytest.approx(0.6201, abs=1e-4)  # published 0.62
    assert (result.n, result.k) == (6, 4)


def test_icc_perfect_and_undefined() -> None:
    perfect = m.icc([[10, 10], [50, 50], [80, 80]])
    assert perfect.single == pytest.approx(1.0) and perfect.average == pytest.approx(1.0)
    assert m.icc([[10, 10]]).single is None  # one item
    assert m.icc([[10, 10], [10, 10]]).single is None  # no variance at all


def test_flip_rate_counts_unscored_as_an_outcome() -> None:
    table = [["pass", "pass", "pass"], ["pass", "fail", "pass"], ["pass", None, "pass"],
             ["fail", "fail", "fail"]]
    assert m.flip_rate(table) == pytest.approx(0.5)
    assert m.flip_rate([["pass"]]) is None  # one run: nothing can flip


def test_vote_splits() -> None:
    table = [["pass"] * 3, ["pass", "fail", "pass"], ["pass", "fail", None], ["na"] * 3]
    assert m.vote_splits(table) == {"3-0": 2, "2-1": 1, "1-1-1": 1}
    assert m.vote_split(["fail", "fail"]) == "2-0"


def test_fail_precision_recall_and_confusion() -> None:
    gold = ["fail", "fail", "pass", "pass", "na"]
    pred = ["fail", "pass", "fail", "pass", "na"]
    pr = m.fail_precision_recall(gold, pred)
    assert (pr.precision, pr.recall, pr.tp, pr.fp, pr.fn) == (0.5, 0.5, 1, 1, 1)
    assert m.fail_precision_recall(["pass"], ["pass"]).precision is None
    assert m.confusion(gold, pred) == {"fail": {"fail": 1, "pass": 1},
                                       "pass": {"fail": 1, "pass": 1}, "na": {"na": 1}}


def test_bootstrap_ci_is_seeded_and_brackets_the_estimate() -> None:
    values = [0.0, 1.0] * 20

    def mean(idx: list[int] | tuple[int, ...]) -> float:
        return sum(values[i] for i in idx) / len(idx)

    a = m.bootstrap_ci(len(values), mean, resamples=300, seed=7)
    b = m.bootstrap_ci(len(values), mean, resamples=300, seed=7)
    assert a == b and a is not None
    assert a.low < 0.5 < a.high
    assert m.bootstrap_ci(1, mean) is None
    assert m.bootstrap_ci(10, lambda idx: None, resamples=50) is None
