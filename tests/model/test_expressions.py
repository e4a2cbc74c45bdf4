"""The safe formula evaluator: arithmetic, arrays, dependencies, and what it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from tanzuji.model.expressions import ExpressionError, evaluate, evaluate_parameters, names


def test_arithmetic_and_functions() -> None:
    assert evaluate("2 * a + b ** 2 - 1 / 4", {"a": 3.0, "b": 2.0}) == pytest.approx(9.75)
    assert evaluate("max(a, 2, 7) + min(a, 1) + sqrt(16) + abs(-2)", {"a": 3.0}) == 14.0
    assert evaluate("-a % 4", {"a": 3.0}) == pytest.approx(1.0)


def test_vectorised_over_draws() -> None:
    a = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(evaluate("a * 2 + 1", {"a": a}), [3.0, 5.0, 7.0])


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')", "a.__class__", "[1, 2]", "lambda: 1", "a if a else 2",
    "open('x')", "'text'", "a < 2", "f(1)", "True",
])
def test_refuses_anything_but_arithmetic(text: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(text, {"a": 1.0})


def test_errors_name_the_problem() -> None:
    with pytest.raises(ExpressionError, match="unknown parameter 'b'"):
        evaluate("a + b", {"a": 1.0})
    with pytest.raises(ExpressionError, match=r"division by zero|divide"):
        evaluate("1 / a", {"a": 0.0})
    with pytest.raises(ExpressionError, match="cannot parse"):
        evaluate("2 *", {})


def test_parameters_in_dependency_order_and_cycles() -> None:
    values = evaluate_parameters({"c": "a * b", "a": 2.0, "b": "a + 1"})
    assert values == {"a": 2.0, "b": 3.0, "c": 6.0}
    assert names("a * sqrt(b) + pi") == {"a", "b"}
    with pytest.raises(ExpressionError, match="cycle"):
        evaluate_parameters({"x": "y + 1", "y": "x * 2"})
