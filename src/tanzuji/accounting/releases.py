"""The factor-database releases a study pins: resolved, loaded and turned into factors.

A pin ``starter@2`` is used as written; ``starter`` means the dataset's newest release and is
recorded as the release it resolved to, so the result says exactly which numbers it used.
``overrides`` (``tanzuji calc --release starter@3``) swap a pinned dataset's release to show
what another release changes. The unit processes of a release are loaded only for datasets
the study links activities to (``activity: <dataset>:<process>``); compile turns them into a
background database (:mod:`tanzuji.model.release_processes`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.factors import Factor, factor_from_record
from tanzuji.model.release_processes import ReleaseProcesses
from tanzuji.store.factor_db import FactorDB, FactorDBError, parse_release


@dataclass
class PinnedFactors:
    releases: list[str] = field(default_factory=list)  # resolved names, in the study's order
    factors: dict[str, Factor] = field(default_factory=dict)
    flagged: dict[str, str] = field(default_factory=dict)
    processes: dict[str, ReleaseProcesses] = field(default_factory=dict)  # by dataset id


def load_pins(pins: list[str], overrides: list[str], file: str,
              linked: Collection[str] = ()) -> PinnedFactors:
    """Factors of every pinned release (with ``overrides`` applied), and the unit processes
    of those whose dataset is in ``linked``; or a StudyError naming the pin that cannot be
    resolved."""
    out = PinnedFactors()
    if not pins and not overrides:
        return out
    by_dataset: dict[str, str] = {}
    index: dict[str, int] = {}
    try:
        for i, pin in enumerate(pins):
            dataset = parse_release(pin)[0]
            by_dataset[dataset], index[dataset] = pin, i
        for other in overrides:
            dataset = parse_release(other)[0]
            if dataset not in by_dataset:
                raise FactorDBError(f"--release {other}: the study pins no release of "
                                    f"{dataset!r} (it pins {', '.join(pins) or 'none'})")
            by_dataset[dataset] = other
        database = FactorDB.open(migrate=False)
        for dataset, pin in by_dataset.items():
            name = database.resolve_release(pin)
            out.releases.append(name)
            own: dict[str, Factor] = {}
            for record in database.release_records(name):
                if record.id in out.factors:
                    raise FactorDBError(f"factor {record.id!r} is in two pinned releases")
                own[record.id] = factor_from_record(record, f"release {name}", None, name)
            out.factors.update(own)
            out.flagged.update(database.flags(name))
            if dataset in linked:
                out.processes[dataset] = ReleaseProcesses(
                    dataset, name, index[dataset], database.release_processes(name), own)
    except FactorDBError as exc:
        raise StudyError([Problem("release", str(exc), file, None, "background.releases")]
                         ) from None
    return out
