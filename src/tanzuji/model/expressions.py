"""A safe evaluator for amounts written as formulas of named parameters (never ``eval``).

Formulas are parsed with :mod:`ast` and only numbers, parameter names, + - * / ** %, unary
signs, parentheses and a few pure functions are accepted. Values may be numpy arrays, so the
same formula evaluates one deterministic value or a whole block of Monte Carlo draws at once.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

Value = Any  # a float or a numpy array of floats

_BINARY: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_UNARY: dict[type[ast.unaryop], Callable[[Value], Value]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
FUNCTIONS: dict[str, Callable[..., Value]] = {
    "min": np.minimum,
    "max": np.maximum,
    "abs": np.abs,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "log10": np.log10,
}
CONSTANTS = {"pi": math.pi, "e": math.e}


class ExpressionError(ValueError):
    """A formula that cannot be parsed or evaluated; the message says why."""


@lru_cache(maxsize=4096)
def parse(text: str) -> ast.expr:
    """Parse and check a formula once; later evaluations reuse the tree."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse formula {text!r}: {exc.msg}") from None
    _check(tree.body, text)
    return tree.body


def _check(node: ast.AST, text: str) -> None:
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float) or isinstance(node.value, bool):
            raise ExpressionError(f"formula {text!r}: only numbers are allowed, not {node.value!r}")
    elif isinstance(node, ast.Name):
        pass
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ExpressionError(f"formula {text!r}: operator not allowed")
        _check(node.left, text)
        _check(node.right, text)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise ExpressionError(f"formula {text!r}: operator not allowed")
        _check(node.operand, text)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"formula {text!r}: unknown function (allowed: {allowed})")
        if node.keywords or not node.args:
            raise ExpressionError(f"formula {text!r}: functions take positional arguments only")
        for arg in node.args:
            _check(arg, text)
    else:
        raise ExpressionError(f"formula {text!r}: {type(node).__name__} is not allowed")


def names(text: str) -> set[str]:
    """The parameter names a formula refers to (functions and constants excluded)."""
    found = {n.id for n in ast.walk(parse(text)) if isinstance(n, ast.Name)}
    return found - set(FUNCTIONS) - set(CONSTANTS)


def evaluate(text: str, values: Mapping[str, Value]) -> Value:
    """Evaluate a checked formula with parameter ``values`` (floats or equal-length arrays)."""
    return _eval(parse(text), values, text)


def _eval(node: ast.expr, values: Mapping[str, Value], text: str) -> Value:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id in values:
            return values[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ExpressionError(f"formula {text!r}: unknown parameter {node.id!r}")
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, values, text)
        right = _eval(node.right, values, text)
        with np.errstate(divide="raise", invalid="raise", over="raise"):
            try:
                return _BINARY[type(node.op)](left, right)
            except (ZeroDivisionError, FloatingPointError, OverflowError) as exc:
                raise ExpressionError(f"formula {text!r}: {exc}") from None
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, values, text))
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_eval(a, values, text) for a in node.args]
        func = FUNCTIONS[node.func.id]
        with np.errstate(divide="raise", invalid="raise"):
            try:
                if node.func.id in ("min", "max") and len(args) > 2:
                    result = args[0]
                    for a in args[1:]:
                        result = func(result, a)
                    return result
                return func(*args)
            except (FloatingPointError, TypeError) as exc:
                raise ExpressionError(f"formula {text!r}: {exc}") from None
    raise ExpressionError(f"formula {text!r}: not allowed")  # unreachable after _check


def evaluate_parameters(
    definitions: Mapping[str, str | float], base: Mapping[str, Value] | None = None
) -> dict[str, Value]:
    """Evaluate parameters that may depend on each other, in dependency order.

    ``definitions`` maps a name to a number or a formula; ``base`` holds values already known
    (e.g. sampled independent parameters). A cycle or an unknown name raises ExpressionError.
    """
    values: dict[str, Value] = dict(base or {})
    pending = {k: v for k, v in definitions.items() if k not in values}
    while pending:
        progressed = False
        for name, definition in list(pending.items()):
            if not isinstance(definition, str):
                values[name] = definition
            else:
                needed = names(definition)
                unknown = needed - set(values) - set(definitions)
                if unknown:
                    raise ExpressionError(
                        f"parameter {name!r}: formula {definition!r} uses unknown "
                        f"parameter(s) {', '.join(sorted(unknown))}"
                    )
                if not needed <= set(values):
                    continue
                values[name] = evaluate(definition, values)
            del pending[name]
            progressed = True
        if not progressed:
            raise ExpressionError(
                "parameters depend on each other in a cycle: " + ", ".join(sorted(pending))
            )
    return values
