"""The PCR library: read PCR files with file:line errors, and find the rule a study names."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.loader import load_model
from tanzuji.model.study import Study
from tanzuji.rules.pcr import PCR

LIBRARY = Path(__file__).parent / "library"


def load_pcr(path: str | Path) -> PCR:
    """Read and validate one PCR file; raise StudyError naming file, line and field."""
    return load_model(path, PCR, "pcr")[0]


@lru_cache(maxsize=1)
def _shipped() -> tuple[PCR, ...]:
    rules = tuple(load_pcr(f) for f in sorted(LIBRARY.glob("*.yaml")))
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise StudyError([Problem("pcr", "PCR id used twice in the library: "
                                  + ", ".join(duplicates), str(LIBRARY))])
    return rules


def load_library() -> dict[str, PCR]:
    """Every shipped PCR, by id."""
    return {r.id: r for r in _shipped()}


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-·./:]+", "", text).casefold()


def get_pcr(name: str, library: dict[str, PCR] | None = None) -> PCR:
    """A PCR by ``id`` or ``id@version``, or from a file path."""
    lib = load_library() if library is None else library
    rid, _, version = name.partition("@")
    if rid in lib:
        rule = lib[rid]
        if version and version != rule.version:
            raise StudyError([Problem("pcr", f"PCR {rid!r} is at version {rule.version} in this "
                                             f"library, not {version}")])
        return rule
    if Path(name).suffix.lower() in (".yaml", ".yml", ".json") or Path(name).is_file():
        return load_pcr(name)
    raise StudyError([Problem("pcr", f"unknown PCR {name!r}; known: {', '.join(sorted(lib))}")])


def _position(text: str, rule: PCR) -> int | None:
    """Where the study's text first names the rule (by id, standard or another name)."""
    found = [text.find(_norm(n)) for n in (rule.id, rule.standard, *rule.names) if _norm(n)]
    hits = [i for i in found if i >= 0]
    return min(hits) if hits else None


def names_rule(text: str, rule: PCR) -> bool:
    """Whether a study's ``pcr`` text names this rule."""
    return text.strip().partition("@")[0] == rule.id or _position(_norm(text), rule) is not None


def _qualified(study: Study, rule: PCR) -> bool:
    info = study.study
    text = _norm(" ".join(x for x in (info.id, info.title, info.product.name,
                                      info.product.name_zh or "", info.product.model or "")))
    return all(_norm(v) in text for v in rule.qualifiers.values())


def find_pcr(study: Study, library: dict[str, PCR] | None = None) -> PCR | None:
    """The library rule the study's ``pcr`` field names, or None for ``none`` or no match.

    The earliest name in the text wins; rules named at the same place (one standard, several
    routes) are told apart by their qualifiers, found in the study's id, title or product."""
    lib = load_library() if library is None else library
    text = _norm(study.study.pcr)
    if text in ("", "none"):
        return None
    rid = study.study.pcr.strip().partition("@")[0]
    if rid in lib:
        return lib[rid]
    placed = [(pos, r) for r in lib.values() if (pos := _position(text, r)) is not None]
    if not placed:
        return None
    first = min(pos for pos, _ in placed)
    candidates = [r for pos, r in placed if pos == first]
    if len(candidates) > 1:
        candidates = [r for r in candidates if r.qualifiers and _qualified(study, r)]
    if len(candidates) != 1:
        names = ", ".join(sorted(r.id for pos, r in placed if pos == first))
        raise StudyError([Problem("pcr", f"study.pcr names several PCRs ({names}); write the id "
                                         "of one in study.pcr or pass --pcr", field="study.pcr")])
    return candidates[0]
