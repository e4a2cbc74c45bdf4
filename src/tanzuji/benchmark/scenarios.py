"""Reduction scenarios: what-if changes to a study, recalculated in memory and never stored.

Each change edits a copy of the study model (the file on record stays as it is) and the copy
is compiled and solved the way ``accounting.calculate`` does:

* ``green_electricity``: a share of the electricity inputs bought with an instrument (green
  electricity certificate, GEC 绿证, or a green-power contract 绿电交易) switches to the
  announced life-cycle factor of the generation type behind it; only where the PCR's
  electricity rule admits contractual instruments (ELEC rules);
* ``recycled_content``: a share of an input replaced by a recycled-route factor;
* ``transport_mode``: transport legs moved from one mode to another (road → rail or sea);
* ``scale``: an input's amount multiplied by a factor (efficiency, yield, lighter design).

Nothing is stored here; a caller may save the changed copy (``study_text``) as a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tanzuji.accounting.calculate import StudyFile, build_result
from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.solve import solve
from tanzuji.model.factors import resolve_electricity
from tanzuji.model.study import Input, Study, TransportMode
from tanzuji.rules.pcr import PCR

GenerationType = Literal["wind", "pv", "hydro", "nuclear", "csp", "biomass"]


class ScenarioError(ValueError):
    """A change that cannot apply to this study; ``field`` names the change."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GreenElectricity(_Change):
    kind: Literal["green_electricity"]
    instrument: Literal["GEC", "green_power_contract"]
    source: GenerationType = Field("wind", description="generation type behind the instrument")
    share: float = Field(1.0, gt=0.0, le=1.0, description="share of the electricity covered")
    year: int | None = Field(None, description="factor year; default the latest announced")


class RecycledContent(_Change):
    kind: Literal["recycled_content"]
    input: str = Field(min_length=1, description="input name, factor id or path to match")
    share: float = Field(gt=0.0, le=1.0, description="share replaced by recycled material")
    factor: str = Field(min_length=1, description="factor id of the recycled route")


class TransportChange(_Change):
    kind: Literal["transport_mode"]
    from_mode: TransportMode = "road"
    to_mode: TransportMode
    process: str | None = Field(None, description="only the legs of this process")
    factor: str | None = Field(None, description="factor id; default 'transport:<to_mode>'")


class Scale(_Change):
    kind: Literal["scale"]
    input: str = Field(min_length=1, description="input name, factor id or path to match")
    factor: float = Field(ge=0.0, le=100.0)


Change = Annotated[GreenElectricity | RecycledContent | TransportChange | Scale,
                   Field(discriminator="kind")]


@dataclass(frozen=True)
class Outcome:
    base: StudyResult
    result: StudyResult
    applied: tuple[str, ...]  # one line per change: what it touched
    study: Study  # the changed copy, for a caller that saves it as a new version

    @property
    def delta(self) -> float:
        return self.result.total - self.base.total


def _is_electricity(inp: Input) -> bool:
    f = inp.factor or ""
    return f.startswith(("electricity:", "cn-elec-cf:", "cn-elec-co2:"))


def _matches(inp: Input, path: str, text: str) -> bool:
    if path == text:
        return True
    t = text.casefold()
    return any(t in (x or "").casefold() for x in (inp.name, inp.factor, inp.process,
                                                     inp.activity))


def _scaled(inp: Input, by: float, **changes: object) -> Input:
    """A copy with its amount times ``by`` (a formula keeps its form); the scenario is
    deterministic, so the copy carries no uncertainty."""
    amount = inp.amount * by if isinstance(inp.amount, float | int) \
        else f"({inp.amount}) * {by!r}"
    return inp.model_copy(update={"amount": amount, "uncertainty": None, "pedigree": None,
                                  **changes})


def _split(study: Study, pick: str, share: float, field: str,
           replace: dict[str, object]) -> int:
    """Replace ``share`` of each matching input by a copy with ``replace``; count them."""
    count = 0
    for i, p in enumerate(study.processes):
        out: list[Input] = []
        for j, inp in enumerate(p.inputs):
            if inp.cut_off or not _matches(inp, f"processes[{i}].inputs[{j}]", pick):
                out.append(inp)
                continue
            count += 1
            if share < 1.0:
                out.append(_scaled(inp, 1.0 - share))
            out.append(_scaled(inp, share, process=None, product=None, activity=None,
                               **replace))
        p.inputs = out
    if not count:
        raise ScenarioError(f"no input matches {pick!r}", field)
    return count


def apply(study: Study, changes: Sequence[Change], pcr: PCR | None) -> tuple[Study, list[str]]:
    """A changed copy of the study, and what each change touched."""
    copy = study.model_copy(deep=True)
    notes: list[str] = []
    for n, ch in enumerate(changes):
        field = f"changes[{n}]"
        if isinstance(ch, GreenElectricity):
            if pcr is not None and not pcr.electricity.contractual_instruments:
                raise ScenarioError(f"the PCR {pcr.id} does not admit contractual instruments "
                                    "for electricity: a GEC or green-power contract cannot "
                                    "replace the grid factor (ELEC rules)", field)
            try:
                fid = resolve_electricity(ch.source, "carbon_footprint_factor", ch.year)
            except KeyError as exc:
                raise ScenarioError(str(exc.args[0]), field) from None
            count = 0
            for p in copy.processes:
                out: list[Input] = []
                for inp in p.inputs:
                    if not _is_electricity(inp) or inp.cut_off:
                        out.append(inp)
                        continue
                    count += 1
                    if ch.share < 1.0:
                        out.append(_scaled(inp, 1.0 - ch.share))
                    label = f"{inp.name or 'electricity'} ({ch.instrument}, {ch.source})"
                    out.append(_scaled(inp, ch.share, factor=fid, name=label))
                p.inputs = out
            if not count:
                raise ScenarioError("the study buys no electricity through an electricity "
                                    "factor", field)
            notes.append(f"{count} electricity input(s): {ch.share:.0%} by {ch.instrument} "
                         f"from {ch.source} ({fid})")
        elif isinstance(ch, RecycledContent):
            count = _split(copy, ch.input, ch.share, field, {"factor": ch.factor})
            notes.append(f"{count} input(s) matching {ch.input!r}: {ch.share:.0%} recycled "
                         f"({ch.factor})")
        elif isinstance(ch, TransportChange):
            count = 0
            for p in copy.processes:
                if ch.process is not None and p.id != ch.process:
                    continue
                for k, tr in enumerate(p.transport):
                    if tr.mode == ch.from_mode:
                        p.transport[k] = tr.model_copy(update={
                            "mode": ch.to_mode, "factor": ch.factor, "uncertainty": None,
                            "pedigree": None})
                        count += 1
            if not count:
                raise ScenarioError(f"no {ch.from_mode} transport leg"
                                    + (f" in process {ch.process!r}" if ch.process else ""),
                                    field)
            notes.append(f"{count} transport leg(s): {ch.from_mode} → {ch.to_mode}")
        else:
            count = 0
            for i, p in enumerate(copy.processes):
                p.inputs = [_scaled(inp, ch.factor) if _matches(
                    inp, f"processes[{i}].inputs[{j}]", ch.input) else inp
                    for j, inp in enumerate(p.inputs)]
                count += sum(_matches(inp, f"processes[{i}].inputs[{j}]", ch.input)
                             for j, inp in enumerate(p.inputs))
            if not count:
                raise ScenarioError(f"no input matches {ch.input!r}", field)
            notes.append(f"{count} input(s) matching {ch.input!r}: × {ch.factor:g}")
    return copy, notes


def run(sf: StudyFile, changes: Sequence[Change], pcr: PCR | None) -> Outcome:
    """The study as stored and as changed, both solved; nothing is written anywhere."""
    base = build_result(sf, solve(sf.compile()))
    changed, notes = apply(sf.study, changes, pcr)
    result = build_result(sf, solve(sf.compile(study=changed)))
    return Outcome(base, result, tuple(notes), changed)


def study_text(study: Study) -> str:
    """The changed study as a YAML study file (comments of the original are not kept)."""
    return yaml.safe_dump(study.model_dump(mode="json", exclude_none=True),
                          allow_unicode=True, sort_keys=False)
