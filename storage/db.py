"""Opening the archive: engine, connection settings, migrations on first use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from storage.exceptions import DatabaseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

__all__ = ["HEAD", "alembic_config", "current_revision", "head_revision", "migrate", "open_engine"]

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. An archive already there is opened without importing Alembic, which
# costs more than a whole `railwatch changes`; a test holds this equal to the scripts' head.
HEAD = "0006"


def open_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"not a database URL: {url!r} ({exc})") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                folder = Path(database).parent
                if not folder.is_dir():
                    raise DatabaseUnavailable(f"{url}: the folder {folder} does not exist")
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin_immediate)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailable(f"{url}: no driver for this database ({exc}); for PostgreSQL "
                                  "install the extra: pip install 'railwatch[postgres]'") from None
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level; SQLAlchemy's "begin" event issues BEGIN itself,
    # so each unit of work is one real transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Take the write lock at the start so two writers queue instead of failing mid-way
    # (straight on the driver's connection: this runs for every document written).
    connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there)."""
    if _stamped_at_head(engine):
        return
    from alembic import command

    try:
        if current_revision(engine) == head_revision():
            return
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseUnavailable(f"{engine.url.render_as_string(hide_password=True)}: {exc.orig}") from None


def _stamped_at_head(engine: Engine) -> bool:
    """True when the archive records :data:`HEAD` as its revision (False when it cannot say)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    except DBAPIError:  # no such table yet, or no database: Alembic will tell
        return False
