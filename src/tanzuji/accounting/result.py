"""The result of a study: computed once, read by the CLI, reports, declarations and labels.

All values are kg CO2e per functional or declared unit. ``by_stage`` and ``by_gas`` each add
up to ``total``, and so do the five reporting categories of REP-02: ``fossil`` (fossil GHG,
excluding aircraft and dLUC), ``biogenic_emissions``, ``biogenic_removals`` (negative),
``dluc`` and ``aircraft``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from tanzuji.model.study import Stage

STAGES = [s.value for s in Stage]


class Summary(BaseModel):
    """Monte Carlo statistics of one quantity."""

    mean: float
    median: float
    sd: float
    p2_5: float
    p97_5: float


class Histogram(BaseModel):
    """Binned Monte Carlo totals over their central 99 %, for distribution charts."""

    edges: list[float] = Field(description="bin edges, one more than the counts")
    counts: list[int]
    below: int = Field(description="draws under the first edge")
    above: int = Field(description="draws over the last edge")


class Uncertainty(Summary):
    iterations: int
    seed: int
    method: str = Field(description="how the engine solved the draws")
    deterministic: float = Field(description="the deterministic total, for comparison")
    by_stage: dict[str, Summary]
    histogram: Histogram | None = None
    note: str = (
        "Lognormal amounts use their stated value as the median, so the Monte Carlo mean lies "
        "above the deterministic result when spreads are large."
    )


class ProcessContribution(BaseModel):
    process: str
    name: str
    stage: str
    value: float
    share: float = Field(description="percent of the total")


class LineItem(BaseModel):
    """One input, emission or removal line of the study and what it contributes."""

    path: str
    line: int | None
    label: str
    process: str
    stage: str
    value: float
    share: float
    data: str = Field(description="primary (site) or secondary data")


class TreeNode(BaseModel):
    """A supply-chain tree node (for Sankey diagrams): cumulative value of ``amount``."""

    name: str
    kind: str = Field(description="process, background (database activity), emission or other")
    amount: float | None = None
    unit: str | None = None
    value: float
    share: float
    children: list[TreeNode] = Field(default_factory=list)


class SensitivityItem(BaseModel):
    kind: str = Field(description="exchange or parameter")
    path: str
    line: int | None = None
    label: str
    elasticity: float = Field(description="% change of the total per % change of the amount")
    low: float | None = Field(None, description="total at the low value (parameters)")
    high: float | None = Field(None, description="total at the high value (parameters)")
    low_value: float | None = None
    high_value: float | None = None


class Alternative(BaseModel):
    """A methodological choice computed side by side with the base case (SENS-01)."""

    choice: str = Field(
        description="gwp, allocation, end_of_life, electricity or cut_off")
    name: str
    total: float
    difference: float
    relative_difference: float = Field(description="percent of the base total")


class Sensitivity(BaseModel):
    exchanges: list[SensitivityItem]
    parameters: list[SensitivityItem]
    alternatives: list[Alternative]


class Note(BaseModel):
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None


class Provenance(BaseModel):
    study_id: str
    model_sha256: str
    gwp: str
    pcr: str
    software_version: str
    factors: list[dict[str, str | int | None]]
    databases: list[dict[str, str | int]] = Field(default_factory=list)
    releases: list[str] = Field(default_factory=list, description="factor-database releases")
    computed_at: str


class ReferenceFlow(BaseModel):
    amount: float = Field(description="how much of the product makes one unit")
    unit: str


class BiogenicSplit(BaseModel):
    """Biogenic CO2 apart from the other biogenic gases, and what packaging carries: the
    splits declarations need (PACT's biogenic accounting, EU battery) beyond REP-02."""

    co2_emissions: float
    co2_removals: float = Field(description="negative")
    other_gases: float = Field(description="biogenic gases other than CO2, net")
    packaging: float | None = Field(
        None, description="processes marked packaging, with what they buy in, less their own "
        "biogenic CO2; null when the study marks none")


DECLARABLE_COVERAGE = 50.0  # percent of the footprint whose lines state pedigree scores


class DataQuality(BaseModel):
    """The inventory's pedigree scores (1 best .. 5 worst), each the mean over the lines that
    state them, weighted by their absolute contribution: the data quality ratings (DQR) a
    declaration, a PACT ``dqi`` and a procurement criterion read."""

    reliability: float
    completeness: float
    temporal: float
    geographical: float
    technological: float
    coverage: float = Field(description="percent of the gross contribution with scores")

    @property
    def dqr(self) -> float:
        """One rating: the mean of the technological, temporal and geographical scores, the
        three a PACT footprint declares."""
        return (self.technological + self.temporal + self.geographical) / 3

    @property
    def declarable(self) -> bool:
        """Whether the scores speak for the footprint: lines stating them carry at least
        half of it (a rating of a small part would flatter the rest)."""
        return self.coverage >= DECLARABLE_COVERAGE


class CutOffScreening(BaseModel):
    """The inputs a study screened and cut off (``cut_off: true``), measured on the complete
    system: what the cut-off rule is checked against (CUT-02) and the report states (CUT-03).
    Shares are percent of ``complete_total``."""

    complete_total: float = Field(description="the total with the cut-off inputs included")
    total_share: float = Field(description="percent of the complete total they make together")
    items: list[LineItem]


class StudyResult(BaseModel):
    product: str
    unit: str = Field(description="kg CO2e per the functional or declared unit")
    functional_unit: str
    result_type: str
    total: float
    by_stage: dict[str, float]
    by_gas: dict[str, float]
    fossil: float
    biogenic_emissions: float
    biogenic_removals: float
    dluc: float
    aircraft: float
    biogenic_carbon_content: float = Field(description="kg C per unit in the product (BIO-02)")
    biogenic_carbon_content_packaging: float
    primary_data_share: float = Field(description="percent of the total from primary data")
    hotspots: list[ProcessContribution]
    contributions: list[LineItem]
    tree: TreeNode
    uncertainty: Uncertainty | None = None
    sensitivity: Sensitivity | None = None
    cut_off: CutOffScreening | None = Field(
        None, description="what the inputs marked cut_off would add (none marked: null)")
    reference_flow: ReferenceFlow
    biogenic_split: BiogenicSplit
    notes: list[Note]
    data_quality: DataQuality | None = Field(
        None, description="contribution-weighted pedigree scores (None: no line states any)")
    provenance: Provenance
