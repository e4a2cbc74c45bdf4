"""Matrix files: every error names the file and the array or key; scores match forward solves."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.sparse.linalg import spsolve

from tanzuji.matrixfile import (
    MatrixFileError,
    UnverifiedMatrixFileWarning,
    load_matrix_file,
    score_matrix_file,
)
from tests import synthetic


def _arrays() -> dict[str, np.ndarray[Any, Any]]:
    """Two activities: 1 takes 0.5 of product 0; emissions 2 kg CO2 and 0.1 kg CH4."""
    return {
        "tech_row": np.array([0, 1, 0], dtype=np.int32),
        "tech_col": np.array([0, 1, 1], dtype=np.int32),
        "tech_amount": np.array([1.0, 1.0, -0.5]),
        "tech_sigma": np.array([0.0, 0.0, 0.1], dtype=np.float32),
        "bio_row": np.array([0, 1], dtype=np.int32),
        "bio_col": np.array([0, 1], dtype=np.int32),
        "bio_amount": np.array([2.0, 0.1]),
        "bio_sigma": np.array([0.2, 0.3], dtype=np.float32),
        "cf_flow": np.array([0, 1], dtype=np.int32),
        "cf_value": np.array([1.0, 29.8]),
        "demand_activity": np.array([1, 0], dtype=np.int32),
        "demand_amount": np.array([1.0, 3.0]),
    }


def _write(tmp_path: Path, arrays: dict[str, np.ndarray[Any, Any]] | None = None,
           meta: dict[str, Any] | None = None, sidecar: bool = True) -> Path:
    arrays = _arrays() if arrays is None else arrays
    path = tmp_path / "system.npz"
    np.savez(path, **arrays)  # type: ignore[arg-type]
    if sidecar:
        m: dict[str, Any] = {
            "n_activities": 2,
            "n_flows": 2,
            "sha256": {k: hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()
                       for k, v in arrays.items()},
        }
        m.update(meta or {})
        path.with_suffix(".json").write_text(json.dumps(m))
    return path


def test_small_file_by_hand(tmp_path: Path) -> None:
    system, demands, tech_sigma, bio_sigma = load_matrix_file(_write(tmp_path))
    assert (system.n_activities, system.n_flows) == (2, 2)
    assert demands == [{1: 1.0}, {0: 3.0}]
    assert tech_sigma.tolist() == pytest.approx([0.0, 0.0, 0.1])
    assert bio_sigma.tolist() == pytest.approx([0.2, 0.3])
    scores = score_matrix_file(tmp_path / "system.npz")
    # one unit of 0: 2 kg; of 1: 0.1 * 29.8 + 0.5 * 2 = 3.98 kg
    assert scores["activity_scores"] == pytest.approx([2.0, 3.98])
    assert scores["demand_scores"] == pytest.approx([3.98, 6.0])


def test_missing_sidecar_loads_unverified(tmp_path: Path) -> None:
    path = _write(tmp_path, sidecar=False)
    with pytest.warns(UnverifiedMatrixFileWarning, match="not verified"):
        system, _, _, _ = load_matrix_file(path)
    assert (system.n_activities, system.n_flows) == (2, 2)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MatrixFileError, match=re.escape("nope.npz: no such file")):
        load_matrix_file(tmp_path / "nope.npz")


def test_not_an_npz(tmp_path: Path) -> None:
    text = tmp_path / "text.npz"
    text.write_text("tech_row,tech_col\n0,0\n")
    with pytest.raises(MatrixFileError, match=re.escape("text.npz: not an .npz archive")):
        load_matrix_file(text)
    single = tmp_path / "single.npz"
    with single.open("wb") as fh:
        np.save(fh, np.arange(3))
    with pytest.raises(MatrixFileError, match=re.escape("single.npz: not an .npz archive")):
        load_matrix_file(single)


def test_missing_array(tmp_path: Path) -> None:
    arrays = _arrays()
    del arrays["bio_sigma"]
    with pytest.raises(MatrixFileError, match=re.escape("system.npz: missing array 'bio_sigma'")):
        load_matrix_file(_write(tmp_path, arrays, sidecar=False))


def test_hash_mismatch(tmp_path: Path) -> None:
    path = _write(tmp_path)
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["sha256"]["cf_value"] = "0" * 64
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(MatrixFileError, match="array 'cf_value' does not match its sha256"):
        load_matrix_file(path)


def test_bad_sidecar(tmp_path: Path) -> None:
    path = _write(tmp_path, meta={"n_activities": "two"})
    with pytest.raises(MatrixFileError, match=re.escape("system.json: key 'n_activities'")):
        load_matrix_file(path)
    path.with_suffix(".json").write_text("{not json")
    with pytest.raises(MatrixFileError, match=re.escape("system.json: not valid JSON")):
        load_matrix_file(path)
    path.with_suffix(".json").write_text(json.dumps({"n_activities": 2, "n_flows": 2}))
    with pytest.raises(MatrixFileError, match="key 'sha256'"):
        load_matrix_file(path)


def test_index_out_of_range(tmp_path: Path) -> None:
    arrays = _arrays()
    arrays["bio_row"] = np.array([0, 5], dtype=np.int32)
    with pytest.raises(MatrixFileError,
                       match=r"array 'bio_row' index out of range at entry 1: 5 not in 0\.\.1"):
        load_matrix_file(_write(tmp_path, arrays))


def test_length_mismatch(tmp_path: Path) -> None:
    arrays = _arrays()
    arrays["tech_sigma"] = np.zeros(2, dtype=np.float32)
    with pytest.raises(MatrixFileError, match=r"length mismatch.*tech_sigma=2"):
        load_matrix_file(_write(tmp_path, arrays))


def test_generated_file_scores_equal_forward_solves(tmp_path: Path) -> None:
    path, _ = synthetic.write(tmp_path, n=300, seed=3, n_demands=12)
    result = score_matrix_file(path)
    system, demands, tech_sigma, _ = load_matrix_file(path)
    assert len(result["activity_scores"]) == 300 and len(result["demand_scores"]) == 12
    assert tech_sigma.size == system.tech_values.size
    a = system.technosphere().tocsc()
    h = system.characterized_row()
    forward = [float(h @ spsolve(a, system.demand_vector(d))) for d in demands]
    np.testing.assert_allclose(result["demand_scores"], forward, rtol=1e-10)
