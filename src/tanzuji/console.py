"""What every CLI command shares: the two consoles and the one way failures are reported."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from tanzuji.model.errors import Problem, StudyError
from tanzuji.store.db import current_revision, database_url, head_revision, make_engine
from tanzuji.store.factor_db import FactorDBError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(problems: Sequence[object], code: int = 2) -> None:
    for p in problems:
        err.print(f"[bold red]error[/] {escape(str(p))}", highlight=False)
    raise typer.Exit(code)


def database() -> Engine:
    """The configured database at the newest schema, else a clear error (exit 2) that says
    to run ``tanzuji db init``: commands never work on a missing or older schema."""
    engine = make_engine()
    if current_revision(engine) != head_revision():
        engine.dispose()
        fail([f"the database at {database_url()} is not at the newest schema: run "
              "`tanzuji db init`"])
    return engine


@contextmanager
def errors() -> Iterator[None]:
    """Turn every failure into a clear message and a non-zero exit: never a traceback."""
    try:
        yield
    except typer.Exit:
        raise
    except StudyError as exc:
        fail(exc.problems)
    except FactorDBError as exc:
        fail([str(exc), *exc.problems[:200]]
             + ([f"... and {len(exc.problems) - 200} more"] if len(exc.problems) > 200 else []))
    except (OSError, ValueError) as exc:
        fail([Problem("error", str(exc))])
    except Exception as exc:  # an internal error is still reported, not dumped
        fail([Problem("internal", f"{type(exc).__name__}: {exc}")], code=3)
