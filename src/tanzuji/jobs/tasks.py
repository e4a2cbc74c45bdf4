"""The calculation tasks a job runs: pure functions of file contents that return result JSON.

A task receives the study file and every file it reads (factor tables, databases) as bytes,
writes them into a private temporary folder and calls the same :func:`calculate` the CLI
uses, so a result does not depend on where it ran: in the server's process, on a local Dask
cluster or on a remote worker. Only plain data crosses the process boundary (picklable
arguments, JSON text or numpy arrays back). Studies that pin factor-database releases read
the database every process reads, ``TANZUJI_DATABASE_URL``; a worker is configured with it.

Monte Carlo runs are split into chunks of draws. Chunk 0 uses the run's seed, so a run in one
chunk is exactly ``tanzuji calc --mc N --seed S``; chunk ``i`` > 0 uses a seed derived
from ``SeedSequence([seed, i])``, independent of the others and reproducible. The merge
concatenates the chunks' draws in chunk order and summarises them once, so the same seed and
chunking give identical summaries however many workers computed the chunks.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from tanzuji.accounting.calculate import StudyFile, build_result, calculate, open_study
from tanzuji.accounting.montecarlo import StudySampler, histogram
from tanzuji.accounting.result import STAGES, StudyResult, Summary, Uncertainty
from tanzuji.accounting.solve import Solution, solve
from tanzuji.engine.montecarlo import monte_carlo as engine_monte_carlo
from tanzuji.engine.uncertainty import summarize
from tanzuji.model.errors import Problem, StudyError

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all): draws for Monte Carlo, studies for a batch."""

T = TypeVar("T")
MAX_CHUNKS = 10_000


@dataclass(frozen=True)
class StudyInput:
    """A study file and the files it reads, by their paths relative to the study's folder."""

    study: str
    files: Mapping[str, bytes]

    @classmethod
    def from_folder(cls, study_path: str | Path) -> StudyInput:
        """Read a study file and every file it names (for the CLI, tests and benchmarks)."""
        path = Path(study_path)
        sf = open_study(path)
        names = [*sf.study.background.factor_tables]
        for db in sf.study.background.databases:
            names += [db.file, str(PurePosixPath(db.file).with_suffix(".json"))]
        files = {path.name: path.read_bytes()}
        for name in dict.fromkeys(names):
            f = path.parent / name
            if f.is_file():
                files[PurePosixPath(name).as_posix()] = f.read_bytes()
        return cls(path.name, files)


@dataclass
class ChunkDraws:
    """The draws of one Monte Carlo chunk: totals and per-stage scores, in draw order."""

    index: int
    scores: FloatArray
    stage_scores: FloatArray
    method: str


def _problem(where: str, message: str) -> StudyError:
    return StudyError([Problem("job", message, None, None, where)])


def _safe_name(name: str) -> PurePosixPath:
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or not rel.parts or ".." in rel.parts or ":" in rel.parts[0]:
        raise _problem("files", f"{name!r}: file names must be relative, without '..'")
    return rel


@contextmanager
def materialised(study: StudyInput) -> Iterator[Path]:
    """The study's files written into a private folder; yields the study file's path there."""
    with tempfile.TemporaryDirectory(prefix="tanzuji-job-") as tmp:
        root = Path(tmp)
        for name, content in study.files.items():
            target = root / _safe_name(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        yield root / _safe_name(study.study)


def in_folder(study: StudyInput, work: Callable[[Path], T]) -> T:
    """``work(study file path)`` in a :func:`materialised` folder.

    Results and problems name the files as the payload did (``steel.yaml``), never the
    private folder, so the same study gives the same text wherever it ran."""
    with materialised(study) as path:
        prefix = f"{path.parents[len(_safe_name(study.study).parts) - 1]}{os.sep}"
        try:
            out = work(path)
        except StudyError as exc:
            exc.problems = [replace(p, file=p.file.removeprefix(prefix) if p.file else None,
                                    message=p.message.replace(prefix, ""))
                            for p in exc.problems]
            raise
    if isinstance(out, str):
        return cast(T, out.replace(json.dumps(prefix)[1:-1], ""))
    return out


def footprint(study: StudyInput, *, gwp: str | None = None, sensitivity: bool = False,
              releases: Sequence[str] = ()) -> str:
    """The deterministic StudyResult JSON (with sensitivity if asked), as ``tanzuji calc``."""
    return in_folder(study, lambda path: calculate(
        path, gwp=gwp, sensitivity=sensitivity, releases=releases).model_dump_json())


def chunk_sizes(iterations: int, chunk: int | None) -> list[int]:
    """Draws per chunk: ``chunk`` each, the last one taking the remainder."""
    if iterations < 1:
        raise _problem("iterations", f"must be at least 1, got {iterations}")
    size = iterations if chunk is None else chunk
    if size < 1:
        raise _problem("chunk", f"must be at least 1, got {size}")
    n, rest = divmod(iterations, size)
    if n + (rest > 0) > MAX_CHUNKS:
        raise _problem("chunk", f"{iterations} draws in chunks of {size} make more than "
                                f"{MAX_CHUNKS} chunks")
    return [size] * n + ([rest] if rest else [])


def chunk_seed(seed: int, index: int) -> int:
    """Chunk 0 draws with ``seed`` itself; the others with independent derived seeds."""
    if index == 0:
        return seed
    state = np.random.SeedSequence([seed, index]).generate_state(1, np.uint64)
    return int(state[0])


def _solved(sf: StudyFile, gwp: str | None) -> Solution:
    return solve(sf.compile(gwp=gwp))


def monte_carlo_chunk(study: StudyInput, index: int, size: int, seed: int, *,
                      gwp: str | None = None) -> ChunkDraws:
    """Draw chunk ``index`` (``size`` draws) of the run seeded with ``seed``."""
    if seed < 0:
        raise _problem("seed", f"must be zero or positive, got {seed}")

    def draw(path: Path) -> ChunkDraws:
        sol = _solved(open_study(path), gwp)
        comp = sol.compiled
        groups = np.full(comp.n_activities, -1, dtype=np.int64)
        groups[: comp.n_foreground] = [STAGES.index(a.stage.value) for a in comp.activities]
        demand = np.zeros(comp.n_activities)
        demand[comp.demand_activity] = 1.0
        run = engine_monte_carlo(sol.system, demand, StudySampler(comp), size,
                                 chunk_seed(seed, index), groups=groups, n_groups=len(STAGES))
        return ChunkDraws(index, run.scores, run.group_scores, run.method)

    return in_folder(study, draw)


def _summary(values: FloatArray) -> Summary:
    s = summarize(values)
    return Summary(mean=s["mean"], median=s["median"], sd=s["sd"], p2_5=s["p2_5"],
                   p97_5=s["p97_5"])


def merge(deterministic_json: str, chunks: Sequence[ChunkDraws], seed: int) -> str:
    """The deterministic result with the uncertainty of all chunks' draws, in chunk order."""
    if not chunks:
        raise _problem("chunks", "a Monte Carlo run needs at least one chunk")
    ordered = sorted(chunks, key=lambda c: c.index)
    if [c.index for c in ordered] != list(range(len(ordered))):
        raise _problem("chunks", "chunks are missing or repeated: "
                                 f"{[c.index for c in ordered]}")
    scores = np.concatenate([c.scores for c in ordered])
    stages = np.concatenate([c.stage_scores for c in ordered])
    result = StudyResult.model_validate_json(deterministic_json)
    method = ordered[0].method
    if len(ordered) > 1:
        method += f", {len(ordered)} chunks of {ordered[0].scores.size} draws"
    result.uncertainty = Uncertainty(
        **_summary(scores).model_dump(),
        iterations=int(scores.size), seed=seed, method=method, deterministic=result.total,
        by_stage={stage: _summary(stages[:, g]) for g, stage in enumerate(STAGES)},
        histogram=histogram(scores),
    )
    return result.model_dump_json()


def deterministic(study: StudyInput, *, gwp: str | None = None) -> str:
    """The deterministic result a Monte Carlo run is merged into (no sensitivity)."""

    def result(path: Path) -> str:
        sf = open_study(path)
        return build_result(sf, _solved(sf, gwp)).model_dump_json()

    return in_folder(study, result)


def monte_carlo(study: StudyInput, *, iterations: int, seed: int = 0, chunk: int | None = None,
                gwp: str | None = None, progress: Progress | None = None) -> str:
    """A whole Monte Carlo run, chunk after chunk, in this process; the runner spreads the
    same chunks over workers and merges them with the same :func:`merge`."""
    sizes = chunk_sizes(iterations, chunk)
    base = deterministic(study, gwp=gwp)
    chunks: list[ChunkDraws] = []
    for i, size in enumerate(sizes):
        chunks.append(monte_carlo_chunk(study, i, size, seed, gwp=gwp))
        if progress:
            progress(sum(sizes[: i + 1]), iterations)
    return merge(base, chunks, seed)


def batch_item(study: StudyInput, *, gwp: str | None = None) -> dict[str, Any]:
    """One study of a batch: its result, or the problems that stopped it (not raised, so one
    bad study does not sink the batch)."""
    try:
        return {"study": study.study, "result": json.loads(footprint(study, gwp=gwp))}
    except StudyError as exc:
        return {"study": study.study, "problems": [p.to_dict() for p in exc.problems]}


def batch(studies: Sequence[StudyInput], *, gwp: str | None = None,
          progress: Progress | None = None) -> list[dict[str, Any]]:
    """Footprints of many studies, one after another, in this process."""
    out = []
    for i, study in enumerate(studies):
        out.append(batch_item(study, gwp=gwp))
        if progress:
            progress(i + 1, len(studies))
    return out
