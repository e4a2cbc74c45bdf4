"""The one error a label can raise: problems naming the file and field, printed by the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from tanzuji.model.errors import Problem, StudyError


@dataclass
class LabelError(StudyError):
    """A label that is unsigned, malformed, tampered with or signed by another key."""


def label_error(message: str, source: str | None = None, field: str | None = None,
                code: str = "label") -> LabelError:
    return LabelError([Problem(code, message, file=source, field=field)])
