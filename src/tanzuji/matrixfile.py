"""Read a product system in matrix form (``.npz`` arrays + ``.json`` sidecar) and score it.

The format is that of ``shared/bench/gen_system.py``: the ``.npz`` holds the COO arrays
``tech_row/tech_col/tech_amount/tech_sigma``, ``bio_row/bio_col/bio_amount/bio_sigma``,
``cf_flow/cf_value`` and ``demand_activity/demand_amount``; the sidecar ``<stem>.json`` next to
it holds ``n_activities``, ``n_flows`` and the sha256 of every array's bytes. Conventions are
those of :mod:`tanzuji.engine.system` (``A`` products x activities, inputs negative).

A missing sidecar is allowed: the arrays are still checked for consistency, the sizes are taken
from the largest indices, and a :class:`UnverifiedMatrixFileWarning` says that nothing could be
checked against hashes. A file handed over without its sidecar is still worth scoring, but the
caller must know it was not verified. A sidecar that is present but wrong is an error.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tanzuji.engine.linalg import Factorization
from tanzuji.engine.system import MatrixSystem

FloatArray = npt.NDArray[np.float64]

ARRAY_NAMES = (
    "tech_row", "tech_col", "tech_amount", "tech_sigma",
    "bio_row", "bio_col", "bio_amount", "bio_sigma",
    "cf_flow", "cf_value",
    "demand_activity", "demand_amount",
)
_INDEX_ARRAYS = ("tech_row", "tech_col", "bio_row", "bio_col", "cf_flow", "demand_activity")
_SAME_LENGTH = (
    ("tech_row", "tech_col", "tech_amount", "tech_sigma"),
    ("bio_row", "bio_col", "bio_amount", "bio_sigma"),
    ("cf_flow", "cf_value"),
    ("demand_activity", "demand_amount"),
)


class MatrixFileError(ValueError):
    """A matrix file cannot be used; the message names the file and the array or key."""


class UnverifiedMatrixFileWarning(UserWarning):
    """The matrix file has no sidecar, so its arrays were not checked against hashes."""


def _sha256(array: npt.NDArray[Any]) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def _read_arrays(path: Path) -> dict[str, npt.NDArray[Any]]:
    if not path.is_file():
        raise MatrixFileError(f"{path}: no such file")
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise MatrixFileError(f"{path}: not an .npz archive ({exc})") from exc
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise MatrixFileError(f"{path}: not an .npz archive (it holds a single array)")
    try:
        with loaded as npz:
            missing = [k for k in ARRAY_NAMES if k not in npz.files]
            if missing:
                more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
                raise MatrixFileError(f"{path}: missing array {missing[0]!r}{more}")
            return {k: npz[k] for k in ARRAY_NAMES}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, MatrixFileError):
            raise
        raise MatrixFileError(f"{path}: damaged .npz archive ({exc})") from exc


def _read_sidecar(path: Path) -> dict[str, Any] | None:
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return None
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MatrixFileError(f"{sidecar}: not valid JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise MatrixFileError(f"{sidecar}: expected a JSON object")
    return meta


def _size(meta: dict[str, Any], key: str, sidecar: Path) -> int:
    value = meta.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MatrixFileError(f"{sidecar}: key {key!r} must be a non-negative integer, "
                              f"got {value!r}")
    return value


def load_matrix_file(
    path: str | Path,
) -> tuple[MatrixSystem, list[dict[int, float]], FloatArray, FloatArray]:
    """System, demands (one ``{activity: amount}`` each), technosphere and biosphere sigmas.

    Sigmas are lognormal ln-space standard deviations per entry (0 = certain), in the order of
    ``system.tech_values`` and ``system.bio_values``.
    """
    path = Path(path)
    arrays = _read_arrays(path)
    meta = _read_sidecar(path)
    sidecar = path.with_suffix(".json")

    for name, arr in arrays.items():
        if arr.ndim != 1:
            raise MatrixFileError(f"{path}: array {name!r} must be 1-d, has shape {arr.shape}")
    if meta is not None:
        hashes = meta.get("sha256")
        if not isinstance(hashes, dict):
            raise MatrixFileError(f"{sidecar}: key 'sha256' is missing or not an object")
        for name in ARRAY_NAMES:
            if name not in hashes:
                raise MatrixFileError(f"{sidecar}: key 'sha256' has no entry for array {name!r}")
            if _sha256(arrays[name]) != hashes[name]:
                raise MatrixFileError(f"{path}: array {name!r} does not match its sha256 in "
                                      f"{sidecar.name}")
    for group in _SAME_LENGTH:
        sizes = {k: arrays[k].size for k in group}
        if len(set(sizes.values())) > 1:
            detail = ", ".join(f"{k}={v}" for k, v in sizes.items())
            raise MatrixFileError(f"{path}: length mismatch between arrays ({detail})")
    for name in _INDEX_ARRAYS:
        if arrays[name].size and not np.issubdtype(arrays[name].dtype, np.integer):
            raise MatrixFileError(f"{path}: array {name!r} must hold integers, "
                                  f"has dtype {arrays[name].dtype}")
    for name in ARRAY_NAMES:
        if name not in _INDEX_ARRAYS and not np.isfinite(arrays[name]).all():
            raise MatrixFileError(f"{path}: array {name!r} has non-finite values")
    for name in ("tech_sigma", "bio_sigma"):
        if np.any(arrays[name] < 0):
            raise MatrixFileError(f"{path}: array {name!r} has negative sigmas")

    idx = {k: arrays[k].astype(np.int64) for k in _INDEX_ARRAYS}
    if meta is not None:
        n = _size(meta, "n_activities", sidecar)
        n_flows = _size(meta, "n_flows", sidecar)
    else:
        warnings.warn(f"{path}: no sidecar {sidecar.name}; arrays not verified against sha256, "
                      "sizes taken from the largest indices", UnverifiedMatrixFileWarning,
                      stacklevel=2)
        n = 1 + max((int(idx[k].max()) for k in ("tech_row", "tech_col", "bio_col",
                                                 "demand_activity") if idx[k].size), default=-1)
        n_flows = 1 + max((int(idx[k].max()) for k in ("bio_row", "cf_flow") if idx[k].size),
                          default=-1)
    for name, bound in (("tech_row", n), ("tech_col", n), ("bio_row", n_flows), ("bio_col", n),
                        ("cf_flow", n_flows), ("demand_activity", n)):
        arr = idx[name]
        bad = np.flatnonzero((arr < 0) | (arr >= bound))
        if bad.size:
            raise MatrixFileError(f"{path}: array {name!r} index out of range at entry "
                                  f"{int(bad[0])}: {int(arr[bad[0]])} not in 0..{bound - 1}")
    flows, counts = np.unique(idx["cf_flow"], return_counts=True)
    if np.any(counts > 1):
        raise MatrixFileError(f"{path}: array 'cf_flow' lists flow {int(flows[counts > 1][0])} "
                              "more than once")

    characterization = np.zeros(n_flows)
    characterization[idx["cf_flow"]] = arrays["cf_value"].astype(np.float64)
    system = MatrixSystem(
        n_activities=n,
        n_flows=n_flows,
        tech_rows=idx["tech_row"],
        tech_cols=idx["tech_col"],
        tech_values=arrays["tech_amount"].astype(np.float64),
        bio_rows=idx["bio_row"],
        bio_cols=idx["bio_col"],
        bio_values=arrays["bio_amount"].astype(np.float64),
        characterization=characterization,
    )
    demands = [
        {int(a): float(v)}
        for a, v in zip(idx["demand_activity"], arrays["demand_amount"], strict=True)
    ]
    return (system, demands, arrays["tech_sigma"].astype(np.float64),
            arrays["bio_sigma"].astype(np.float64))


def save_matrix_file(path: str | Path, arrays: dict[str, npt.NDArray[Any]], n_activities: int,
                     n_flows: int, activities: list[dict[str, str]] | None = None) -> Path:
    """Write ``arrays`` (all of ``ARRAY_NAMES``) and the sidecar with sizes and sha256s.

    ``activities`` (a name and unit per activity) lets studies link to the database by name.
    The file is checked by :func:`load_matrix_file` before this returns, so what is written
    can always be read back.
    """
    path = Path(path)
    missing = [k for k in ARRAY_NAMES if k not in arrays]
    if missing:
        raise MatrixFileError(f"{path}: missing arrays {', '.join(missing)}")
    if activities is not None and len(activities) != n_activities:
        raise MatrixFileError(f"{path}: {len(activities)} activity labels for "
                              f"{n_activities} activities")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **{k: arrays[k] for k in ARRAY_NAMES})  # type: ignore[arg-type]
    meta: dict[str, Any] = {"n_activities": n_activities, "n_flows": n_flows,
                            "sha256": {k: _sha256(arrays[k]) for k in ARRAY_NAMES}}
    if activities is not None:
        meta["activities"] = activities
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    load_matrix_file(path)
    return path


def score_matrix_file(path: str | Path) -> dict[str, list[float]]:
    """kg CO2e of every demand in the file and of one unit of every activity.

    One factorisation and ONE transposed solve ``A^T y = h`` (``h = c^T B``) give the score
    of one unit of every product (``activity_scores``); each demand's score is then a dot
    product with its demand vector, so the cost does not grow with the number of demands.
    """
    system, demands, _, _ = load_matrix_file(path)
    fact = Factorization(system.technosphere())
    y = fact.solve_transposed(system.characterized_row())
    demand_scores = [float(sum(amount * y[a] for a, amount in d.items())) for d in demands]
    return {"demand_scores": demand_scores, "activity_scores": y.tolist()}
