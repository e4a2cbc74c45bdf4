"""Electricity: life-cycle factors, contractual instruments, residual mix, geography (ELEC)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tanzuji.model.factors import CO2_ONLY, official_electricity_factors, resolve_electricity
from tanzuji.model.study import Input, Process
from tanzuji.rules.checks.base import Context, rule
from tanzuji.rules.findings import Finding

REGIONS = {"north", "northeast", "east", "central", "northwest", "south", "southwest"}
RESIDUAL = "national-excl-traded-nonfossil"
NON_FOSSIL = {"hydro", "nuclear", "wind", "pv", "csp", "biomass"}
_INSTRUMENT = re.compile(r"green[ -]?power|绿电|绿证|\bGECs?\b|\bPPAs?\b|\bI-?RECs?\b|"
                         r"guarantees? of origin|renewable energy certificate", re.IGNORECASE)
_ELECTRICITY = re.compile(r"electricity|electric power|电力|(?:^|[:_\-])elec(?:[:_\-]|$)",
                          re.IGNORECASE)


@dataclass(frozen=True)
class ElectricityLine:
    path: str
    process: Process
    input: Input
    factor: str | None  # resolved official factor id, or the study's own factor id
    kind: str | None  # official factor kind; None for the study's own factors
    item: str | None  # national, a region, CN-XX, a generation type, td-…

    @property
    def level(self) -> str | None:
        if self.item is None:
            return None
        if self.item.startswith("national"):
            return "national"
        if self.item in REGIONS:
            return "grid_region"
        if self.item.startswith("CN-"):
            return "province"
        return None  # a generation type or T&D: not a grid average

    @property
    def instrument(self) -> bool:
        """Electricity claimed through a contractual instrument or own generation."""
        text = " ".join(x for x in (self.input.name, self.input.factor, self.input.comment) if x)
        return self.item in NON_FOSSIL or bool(_INSTRUMENT.search(text))


def electricity_lines(ctx: Context) -> list[ElectricityLine]:
    setting = ctx.study.background.electricity
    official = official_electricity_factors()
    out = []
    for where, p, inp in ctx.inputs():
        fid = inp.factor
        if fid is None or not (_ELECTRICITY.search(fid) or _ELECTRICITY.search(inp.name or "")):
            continue
        if fid.startswith("electricity:"):
            try:
                fid = resolve_electricity(fid.split(":", 1)[1], setting.kind, setting.year)
            except KeyError:
                continue  # the compiler reports it
        factor = official.get(fid)
        item = fid.split(":")[2] if factor is not None else None
        out.append(ElectricityLine(where, p, inp, fid, factor.kind if factor else None, item))
    return out


@rule("ELEC-01", "E", "life-cycle electricity factors", "采用全生命周期电力因子")
def life_cycle_factors(ctx: Context) -> Iterator[Finding]:
    allowed = ctx.pcr is not None and CO2_ONLY in ctx.pcr.electricity.factor_kinds
    for e in electricity_lines(ctx):
        if e.kind != CO2_ONLY:
            continue
        if e.item == RESIDUAL:
            yield ctx.finding(f"剩余电力因子 {e.factor} 只含 CO2：尚无官方的全生命周期"
                              "剩余电力因子，须在报告中说明",
                              f"the residual factor {e.factor} counts CO2 only: no official "
                              "life-cycle residual mix exists yet, so the report must say so",
                              e.path, "W")
        elif allowed:
            yield ctx.finding(f"{e.factor} 只含运行阶段 CO2；PCR 在此地理层级允许使用，"
                              "但须在报告中说明",
                              f"{e.factor} counts operational CO2 only; the PCR allows it at its "
                              "geography level, but the report must say so", e.path, "W")
        else:
            yield ctx.finding(f"{e.factor} 为仅含 CO2 的排放因子，缺少上游与非 CO2 气体："
                              "请用碳足迹因子",
                              f"{e.factor} is a CO2-only emission factor that misses upstream "
                              "supply and non-CO2 gases: use a carbon-footprint factor", e.path)


@rule("ELEC-02", "E", "contractual instruments qualify", "合同工具符合要求")
def instruments(ctx: Context) -> Iterator[Finding]:
    allowed = ctx.pcr is None or ctx.pcr.electricity.contractual_instruments
    for e in electricity_lines(ctx):
        if not e.instrument:
            continue
        if not allowed:
            yield ctx.finding("PCR 不允许以绿电、绿证或购电协议替代电网平均因子",
                              "the PCR does not allow green power, certificates or PPAs to "
                              "replace the grid average", e.path)
        elif not e.input.evidence:
            yield ctx.finding("绿电、绿证或自发电须附合同工具证据（证书编号、交易凭证），"
                              "证明唯一声明、已注销且与消费同期同市场",
                              "green power, certificates or own generation need the instrument "
                              "as evidence (certificate serials, trade record) showing a unique, "
                              "retired claim of the same period and market", e.path)


@rule("ELEC-03", "E", "no double counting: residual mix", "避免重复计算：剩余电力")
def residual(ctx: Context) -> Iterator[Finding]:
    lines = electricity_lines(ctx)
    if not any(e.instrument for e in lines):
        return
    for e in lines:
        if not e.instrument and e.level is not None and e.item != RESIDUAL:
            yield ctx.finding("部分电力以合同工具声明时，其余电力应采用剩余电力因子"
                              f"（{RESIDUAL}），而非电网平均因子",
                              "when part of the electricity is claimed through instruments, the "
                              f"rest uses the residual factor ({RESIDUAL}), not the grid average",
                              e.path)


@rule("ELEC-04", "W", "electricity geography as the PCR", "电力地理范围符合 PCR")
def geography(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is None:
        return
    want = ctx.pcr.electricity.geography
    for e in electricity_lines(ctx):
        if e.level is None or e.instrument:
            continue
        if e.level != want:
            yield ctx.finding(f"电网因子 {e.factor} 的地理层级为 {e.level}，PCR 规定 {want}",
                              f"grid factor {e.factor} is at {e.level} level; the PCR asks for "
                              f"{want}", e.path)
        elif want == "province" and (e.process.location or "").startswith("CN-") \
                and e.item != e.process.location:
            yield ctx.finding(f"过程位于 {e.process.location}，却采用 {e.item} 的电网因子",
                              f"the process is in {e.process.location} but uses the grid factor "
                              f"of {e.item}", e.path)


@rule("ELEC-05", "I", "electricity factor source and year", "电力因子来源与年份")
def documented(ctx: Context) -> Iterator[Finding]:
    factors = {str(f["id"]): f for f in ctx.result.provenance.factors}
    for e in electricity_lines(ctx):
        f = factors.get(e.factor or "")
        if f is not None and not (f.get("source") and f.get("year")):
            yield ctx.finding(f"电力因子 {e.factor} 未注明来源或年份，报告无法说明电力建模方式",
                              f"electricity factor {e.factor} records no source or year, so the "
                              "report cannot say how electricity was modelled", e.path)
