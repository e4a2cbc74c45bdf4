"""Read a study file (YAML or JSON) and report every problem with its file, line and field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.study import Study

Path_ = tuple[str | int, ...]


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
        elif part in ("lognormal", "normal", "triangular", "uniform", "function-after"):
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


def load_study(path: str | Path) -> tuple[Study, LineMap]:
    """Load and validate a study; raise StudyError listing every problem found."""
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
        study = Study.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            message = err["msg"].removeprefix("Value error, ")
            problems.append(
                Problem("schema", message, str(p), lines.line_for(loc), _field_path(loc))
            )
        raise StudyError(problems) from None
    return study, lines
