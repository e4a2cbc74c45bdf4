"""Where the database is, how to connect, and how to bring its schema up to date."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

ENV_VAR = "TANZUJI_DATABASE_URL"
DEFAULT_PATH = Path("var") / "tanzuji.db"


def database_url() -> str:
    """``TANZUJI_DATABASE_URL``, else a SQLite file ``./var/tanzuji.db``."""
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    return f"sqlite:///{DEFAULT_PATH}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); SQLite gets its folder created,
    foreign keys enforced and write-ahead logging."""
    url = url or database_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    location = resources.files("tanzuji.store") / "migrations"
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> str | None:
    """Create or upgrade the schema to the newest migration; return the revision now."""
    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current_revision(engine)


class Refusal(ValueError):
    """A store action refused for its input: ``field`` names the input at fault and ``code``
    the kind of refusal (``invalid``, ``not_found``, ``conflict`` …), so the server and the
    CLI can answer with the right status and point at the field."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


class NoSchemaError(Exception):
    """The database has no schema yet."""


def open_engine(url: str | None = None, migrate: bool = False) -> Engine:
    """An engine for ``url`` (default ``TANZUJI_DATABASE_URL``), upgraded to the newest schema,
    or, without ``migrate``, as it is: then NoSchemaError says to run ``tanzuji db init``."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    elif current_revision(engine) is None:
        engine.dispose()
        raise NoSchemaError(f"the database at {engine.url.render_as_string()} has no schema "
                            "yet: run `tanzuji db init`")
    return engine


def head_revision() -> str:
    """The newest migration this version of Tanzuji ships."""
    head = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://"))).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back entirely on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session
