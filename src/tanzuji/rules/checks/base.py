"""What every check shares: the registry of rules and the context a check reads.

A check is a function over one :class:`Context` (the study, its result, the PCR applied or
None, the study's line map) that yields findings. It is registered under the stable rule id of
the GB/T 24067 checklist (``docs/rules.md``) with that rule's severity.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tanzuji.accounting.result import LineItem, StudyResult
from tanzuji.model.loader import LineMap
from tanzuji.model.study import Input, Process, Study
from tanzuji.rules.findings import Finding, Severity
from tanzuji.rules.pcr import PCR

CheckFn = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_en: str
    title_zh: str
    fn: CheckFn


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, title_en: str,
         title_zh: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under its rule id; one id, one check."""
    def register(fn: CheckFn) -> CheckFn:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title_en, title_zh, fn)
        return fn
    return register


_TOP_LEVEL = ("study", "background", "parameters", "processes")
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_parts(path: str) -> tuple[str | int, ...]:
    """``processes[6].inputs[1]`` → ``("processes", 6, "inputs", 1)``."""
    return tuple(int(m[2]) if m[2] is not None else m[1] for m in _TOKEN.finditer(path))


@dataclass
class Context:
    study: Study
    result: StudyResult
    pcr: PCR | None
    lines: LineMap | None = None
    current: str = field(default="", init=False)

    # -- findings -------------------------------------------------------------------------

    def finding(self, zh: str, en: str, location: str,
                severity: Severity | None = None) -> Finding:
        """A finding of the running check (at the rule's severity unless given); ``location``
        is a field path, a PCR item or a part of the result (``result.total``)."""
        rid = self.current
        parts = path_parts(location)
        line = None
        if self.lines is not None and parts and parts[0] in _TOP_LEVEL:
            line = self.lines.line_for(parts)
        return Finding(rule=rid, severity=severity or RULES[rid].severity, message_zh=zh,
                       message_en=en, location=location, line=line)

    # -- the study --------------------------------------------------------------------------

    def at(self, path: str) -> Any:
        """The study object at a field path, or None where the path leads nowhere."""
        node: Any = self.study
        for part in path_parts(path):
            if isinstance(part, int):
                node = node[part] if isinstance(node, list) and part < len(node) else None
            else:
                node = getattr(node, part, None)
            if node is None:
                return None
        return node

    def processes(self) -> Iterator[tuple[str, Process]]:
        for i, p in enumerate(self.study.processes):
            yield f"processes[{i}]", p

    def inputs(self) -> Iterator[tuple[str, Process, Input]]:
        """Every input line, with the process it belongs to."""
        for where, p in self.processes():
            for j, inp in enumerate(p.inputs):
                yield f"{where}.inputs[{j}]", p, inp

    def amounts(self) -> Iterator[tuple[str, Process, Any]]:
        """Every input, emission and removal line that carries data (links between the
        study's own processes carry none)."""
        for where, p in self.processes():
            for kind in ("inputs", "emissions", "removals"):
                for j, item in enumerate(getattr(p, kind)):
                    if getattr(item, "process", None) is None:
                        yield f"{where}.{kind}[{j}]", p, item

    # -- the result ---------------------------------------------------------------------------

    @cached_property
    def line_items(self) -> dict[str, LineItem]:
        return {item.path: item for item in self.result.contributions}

    @cached_property
    def by_process(self) -> dict[str, float]:
        """kg CO2e per unit from each study process's own lines."""
        out: dict[str, float] = defaultdict(float)
        for item in self.result.contributions:
            out[item.process] += item.value
        return dict(out)

    @property
    def cut_off_thresholds(self) -> tuple[float, float, str]:
        """Per-item and total thresholds in percent, and whose they are (PCR or study)."""
        if self.pcr is not None and self.pcr.cut_off is not None:
            return self.pcr.cut_off.per_item_percent, self.pcr.cut_off.total_percent, self.pcr.ref
        c = self.study.study.cut_off
        return c.per_item_percent, c.total_percent, "study.cut_off"

    def significant(self, coverage: float = 80.0) -> list[LineItem]:
        """The largest lines that together make up ``coverage`` % of the gross result."""
        items = sorted(self.result.contributions, key=lambda i: -abs(i.value))
        gross = sum(abs(i.value) for i in items)
        out: list[LineItem] = []
        covered = 0.0
        for item in items:
            if gross and covered >= coverage / 100.0 * gross:
                break
            out.append(item)
            covered += abs(item.value)
        return out


def matches(aliases: Iterable[str], *texts: str | None) -> bool:
    """Whether any alias is a case-insensitive substring of any text."""
    hay = " ".join(t for t in texts if t).casefold()
    return any(a.casefold() in hay for a in aliases)
