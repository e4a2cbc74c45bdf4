"""Read a study or PCR file (YAML or JSON); report every problem with its file, line, field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.study import Study

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class LineMap:
    """Line of every mapping key and sequence item, by field path (1-based lines)."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

    def walk(self, node: yaml.Node, path: Path_ = ()) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                self.lines[sub] = key.start_mark.line + 1
                self.walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.lines[(*path, i)] = item.start_mark.line + 1
                self.walk(item, (*path, i))

    def line_for(self, loc: Iterable[str | int]) -> int | None:
        """Deepest known line along a pydantic error location (union tags are skipped)."""
        best = self.lines.get(())
        path: Path_ = ()
        for part in loc:
            candidate = (*path, part)
            if candidate in self.lines:
                path = candidate
                best = self.lines[candidate]
        return best


def _field_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("lognormal", "normal", "triangular", "uniform") or str(
                part).startswith("function-"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_text(text: str, filename: str) -> tuple[Any, LineMap]:
    """Parse YAML (JSON is YAML too) into plain data plus the line map."""
    lines = LineMap()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        if filename.endswith(".json"):  # JSON that YAML rejects (e.g. tabs): ask json
            try:
                return json.loads(text), lines
            except json.JSONDecodeError as jexc:
                raise StudyError(
                    [Problem("syntax", f"malformed JSON: {jexc.msg}", filename, jexc.lineno)]
                ) from None
        raise StudyError(
            [Problem("syntax", f"malformed YAML: {exc.problem}", filename, line)]
        ) from None
    if node is not None:
        lines.walk(node)
    return data, lines


def load_model(path: str | Path, model: type[M], code: str) -> tuple[M, LineMap]:
    """Load a YAML/JSON file into ``model``; raise StudyError listing every problem, each
    with the file, line and field (``code`` names the kind of file in the problems)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StudyError([Problem("file", "no such file", str(p))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StudyError([Problem("file", f"cannot read: {exc}", str(p))]) from None
    data, lines = parse_text(text, str(p))
    if not isinstance(data, dict):
        raise StudyError(
            [Problem("syntax", "the file must hold a mapping (key: value)", str(p), 1)]
        )
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        raise StudyError([
            Problem(code, err["msg"].removeprefix("Value error, "), str(p),
                    lines.line_for(err["loc"]), _field_path(err["loc"]))
            for err in exc.errors(include_url=False)
        ]) from None


def load_study(path: str | Path) -> tuple[Study, LineMap]:
    """Load and validate a study; raise StudyError listing every problem found."""
    return load_model(path, Study, "schema")
