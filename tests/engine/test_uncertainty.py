"""Distributions: validation, moments of the draws, pedigree sigmas and summaries by hand."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tanzuji.engine.uncertainty import (
    CERTAIN,
    LOGNORMAL,
    NORMAL,
    TRIANGULAR,
    UNIFORM,
    DistributionError,
    Distributions,
    lognormal_mean,
    pedigree_sigma,
    summarize,
)

NAN = math.nan


def _dist(kind: list[int], amount: list[float], a: list[float], b: list[float] | None = None,
          c: list[float] | None = None) -> Distributions:
    n = len(kind)
    return Distributions(
        np.array(kind), np.array(amount), np.array(a),
        np.array(b if b is not None else [NAN] * n), np.array(c if c is not None else [NAN] * n),
    )


@pytest.mark.parametrize(
    ("kind", "amount", "a", "b", "c", "message"),
    [
        ([CERTAIN, LOGNORMAL], [1.0, 2.0], [NAN, -0.1], None, None, "entry 1: lognormal sigma"),
        ([LOGNORMAL], [0.0], [0.2], None, None, "entry 0: lognormal needs a non-zero amount"),
        ([NORMAL, NORMAL], [1.0, 1.0], [0.1, NAN], None, None, "entry 1: normal standard dev"),
        ([UNIFORM], [1.0], [2.0], None, [1.0], "entry 0: uniform minimum (a) must not exceed"),
        ([TRIANGULAR], [1.0], [0.0], [3.0], [2.0], "entry 0: triangular mode (b) must lie"),
        ([TRIANGULAR], [5.0], [0.0], None, [2.0], "entry 0: triangular mode (b) must lie"),
        ([TRIANGULAR], [1.0], [NAN], [1.0], [2.0], "entry 0: triangular minimum (a) must be"),
        ([CERTAIN, 7], [1.0, 1.0], [NAN, NAN], None, None, "entry 1: unknown distribution kind"),
        ([CERTAIN], [math.inf], [NAN], None, None, "entry 0: amount is not finite"),
    ],
)
def test_bad_parameters_name_the_entry(
    kind: list[int], amount: list[float], a: list[float], b: list[float] | None,
    c: list[float] | None, message: str,
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        _dist(kind, amount, a, b, c)


def test_error_carries_the_entry_index() -> None:
    with pytest.raises(DistributionError) as info:
        Distributions.lognormal([1.0, 2.0, 3.0], [0.1, 0.2, -1.0])
    assert info.value.index == 2


def test_shape_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="amount has shape"):
        Distributions(np.zeros(3, dtype=np.int64), np.zeros(2), np.zeros(3), np.zeros(3),
                      np.zeros(3))


def test_lognormal_keeps_sign_and_has_median_amount() -> None:
    d = Distributions.lognormal([-2.0, 3.0, 5.0], [0.3, 0.0, 0.5])
    x = d.sample(np.random.default_rng(1), 100_000)
    assert np.all(x[:, 0] < 0)
    assert np.all(x[:, 1] == 3.0)  # sigma 0: certain, exactly the amount
    logs = np.log(np.abs(x[:, [0, 2]]))
    np.testing.assert_allclose(logs.mean(axis=0), np.log([2.0, 5.0]), atol=0.01)
    np.testing.assert_allclose(logs.std(axis=0), [0.3, 0.5], rtol=0.01)
    # mean = median * exp(sigma^2 / 2), within 4 standard errors
    se = x[:, 2].std() / math.sqrt(x.shape[0])
    assert abs(x[:, 2].mean() - lognormal_mean(5.0, 0.5)) < 4 * se
    assert list(d.uncertain) == [True, False, True]


def test_mixed_kinds_have_their_moments() -> None:
    d = _dist(
        [CERTAIN, NORMAL, TRIANGULAR, UNIFORM, TRIANGULAR],
        [7.0, 10.0, 2.0, 0.0, 1.5],
        [NAN, 2.0, 1.0, -1.0, 1.0],
        [NAN, NAN, NAN, NAN, 1.0],  # mode: default = amount (2.0); then explicit min = mode
        [NAN, NAN, 6.0, 3.0, 4.0],
    )
    for float32 in (False, True):
        x = d.sample(np.random.default_rng(2), 200_000, float32=float32)
        assert x.dtype == np.float64
        assert np.all(x[:, 0] == 7.0)
        expected_mean = [7.0, 10.0, (1 + 2 + 6) / 3, 1.0, (1 + 1 + 4) / 3]
        np.testing.assert_allclose(x.mean(axis=0), expected_mean, atol=0.02)
        # normal sd; uniform sd = width / sqrt(12); triangular sd by its formula
        tri_var = (1 + 4 + 36 - 2 - 6 - 12) / 18
        np.testing.assert_allclose(x[:, [1, 2, 3]].std(axis=0),
                                   [2.0, math.sqrt(tri_var), 4 / math.sqrt(12)], rtol=0.02)
        assert x[:, 2].min() >= 1.0 and x[:, 2].max() <= 6.0
        assert x[:, 3].min() >= -1.0 and x[:, 3].max() <= 3.0


def test_same_seed_same_draws_and_take() -> None:
    d = Distributions.lognormal(np.arange(1.0, 6.0), np.full(5, 0.2))
    a = d.sample(np.random.default_rng(5), 10)
    b = d.sample(np.random.default_rng(5), 10)
    assert np.array_equal(a, b)
    sub = d.take([4, 0])
    assert list(sub.amount) == [5.0, 1.0] and len(sub) == 2
    assert sub.sample(np.random.default_rng(0), 3).shape == (3, 2)


def test_pedigree_sigma_by_hand() -> None:
    # scores (2, 3, 1, 4, 5): 0.0006 + 0.0006 + 0 + 0.0006 + 0.12, plus basic variance 0.0006
    assert pedigree_sigma((2, 3, 1, 4, 5), 0.0006) == pytest.approx(math.sqrt(0.1224))
    assert pedigree_sigma((1, 1, 1, 1, 1), 0.04) == pytest.approx(0.2)
    # worst case: 0.04 + 0.008 + 0.04 + 0.002 + 0.12
    assert pedigree_sigma((5, 5, 5, 5, 5), 0.0) == pytest.approx(math.sqrt(0.21))


@pytest.mark.parametrize(
    "scores", [(0, 1, 1, 1, 1), (1, 1, 1, 1, 6), (1, 1, 1, 1), (1.0, 1, 1, 1, 1)]
)
def test_pedigree_sigma_rejects_bad_scores(scores: tuple[int, int, int, int, int]) -> None:
    with pytest.raises(ValueError, match="pedigree"):
        pedigree_sigma(scores, 0.0)


def test_pedigree_sigma_rejects_negative_basic_variance() -> None:
    with pytest.raises(ValueError, match="basic variance"):
        pedigree_sigma((1, 1, 1, 1, 1), -0.1)


def test_lognormal_mean() -> None:
    assert lognormal_mean(2.0, 0.5) == pytest.approx(2.0 * math.exp(0.125))
    with pytest.raises(ValueError):
        lognormal_mean(1.0, -1.0)


def test_summarize_by_hand() -> None:
    s = summarize([4.0, 1.0, 3.0, 2.0])
    assert s["n"] == 4
    assert s["mean"] == pytest.approx(2.5)
    assert s["median"] == pytest.approx(2.5)
    assert s["sd"] == pytest.approx(math.sqrt(5 / 3))
    assert s["p2_5"] == pytest.approx(1.075)  # linear interpolation: 1 + 0.025 * 3
    assert s["p97_5"] == pytest.approx(3.925)
    with pytest.raises(ValueError, match="empty"):
        summarize([])
    with pytest.raises(ValueError, match="non-finite"):
        summarize([1.0, math.nan])
