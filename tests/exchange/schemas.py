"""PACT v3 JSON schemas for the tests: the MIT conformance-tool copy here, and the published
3.0.3 file where the WBCSD spec files are present (see pact_schema/README.md)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CONFORMANCE = Path(__file__).parent / "pact_schema" / "openapi_v3_0.yaml"


def spec_dir() -> Path | None:
    """``shared/pact`` of the WBCSD files, when this machine has them."""
    configured = os.environ.get("TANZUJI_PACT_SPEC_DIR")
    path = Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared/pact"
    return path if path.is_dir() else None


def published_v3() -> Path | None:
    root = spec_dir()
    path = root / "wbcsd-tr/data-exchange-protocol/3.0.3/openapi.yaml" if root else None
    return path if path is not None and path.is_file() else None


@cache
def components(path: Path) -> dict[str, Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(spec["components"])


@cache
def validator(path: Path, name: str = "ProductFootprint") -> jsonschema.Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": components(path)}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_files() -> list[Path]:
    published = published_v3()
    return [CONFORMANCE, *([published] if published else [])]


def errors(doc: dict[str, Any]) -> list[str]:
    """Every schema error of ``doc`` against every available v3 schema."""
    return [f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for path in schema_files() for e in validator(path).iter_errors(doc)]
