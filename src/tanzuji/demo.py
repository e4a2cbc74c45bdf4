"""``tanzuji demo``: calculate the example studies and compare them side by side; on a
database set up by ``tanzuji db init``, also certify one of them up to a verified label."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from tanzuji.accounting.calculate import calculate
from tanzuji.accounting.result import STAGES, StudyResult
from tanzuji.model.errors import Problem, StudyError
from tanzuji.store.db import current_revision, database_url, make_engine

DEMO_SEED = 2024
LABELS = Path("var") / "labels"  # where the certification demo writes its label


def find_examples(folder: Path | None) -> Path:
    """The given folder, else ``./examples``, else the repository's ``examples/``."""
    candidates = [folder] if folder else [Path.cwd() / "examples",
                                          Path(__file__).resolve().parents[2] / "examples"]
    for c in candidates:
        if c is not None and c.is_dir() and any(c.glob("*.yaml")):
            return c
    raise StudyError([Problem("demo", "no folder of example studies found (looked in "
                              + ", ".join(str(c) for c in candidates) + ")")])


def run_demo(console: Console, folder: Path | None, iterations: int) -> list[StudyResult]:
    examples = find_examples(folder)
    results = []
    for path in sorted(examples.glob("*.yaml")):
        console.print(f"calculating {path.name} …", highlight=False)
        results.append(calculate(path, iterations=iterations, seed=DEMO_SEED))
    table = Table(title=f"Tanzuji demo: {len(results)} example studies "
                        f"(GWP100, Monte Carlo {iterations} draws)")
    for col in ("study", "unit", "total", "MC mean", "95 % interval", "largest stage",
                "top hot spot", "primary data %"):
        table.add_column(col)
    for r in results:
        stage = max(STAGES, key=lambda s: abs(r.by_stage[s]))
        top = r.hotspots[0] if r.hotspots else None
        u = r.uncertainty
        table.add_row(
            r.provenance.study_id, r.unit, f"{r.total:,.4g}",
            f"{u.mean:,.4g}" if u else "-",
            f"{u.p2_5:,.4g} – {u.p97_5:,.4g}" if u else "-",
            f"{stage} ({100 * r.by_stage[stage] / r.total:.0f} %)" if r.total else stage,
            f"{top.name} ({top.share:.0f} %)" if top else "-",
            f"{r.primary_data_share:.0f}",
        )
    console.print(table)
    split = Table(title="Share of each life-cycle stage (%)")
    split.add_column("study")
    for s in STAGES:
        split.add_column(s.replace("_", " "), justify="right")
    for r in results:
        shares = (f"{100 * r.by_stage[s] / r.total:.1f}" if r.total else "-" for s in STAGES)
        split.add_row(r.provenance.study_id, *shares)
    console.print(split)
    run_certification(console, folder, LABELS)
    return results


def database_ready() -> bool:
    """Whether `tanzuji db init` has set up the database the demo would certify on (a SQLite
    file that is not there is not created by asking)."""
    url = database_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return False
    engine = make_engine(url)
    try:
        return current_revision(engine) is not None
    finally:
        engine.dispose()


def run_certification(console: Console, folder: Path | None, labels: Path) -> None:
    """The certification demo, or a note on how to get it when there is no database yet."""
    from tanzuji.certification.demo import run_certification_demo

    if not database_ready():
        console.print("no database yet: run `tanzuji db init` (or `make run`) to also see an "
                      "example certified up to a verified label", highlight=False)
        return
    run_certification_demo(console, find_examples(folder), labels)
