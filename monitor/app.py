"""What every command gets: where the configuration and the database are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from monitor.config import Config, load_config
from storage.archive import Archive

__all__ = ["DEFAULT_CONFIG", "AppContext"]

DEFAULT_CONFIG = Path("railwatch.yaml")


@dataclass
class AppContext:
    """What every command gets: where the configuration and the database are."""

    config_path: Path
    config_given: bool
    db_override: str | None
    _config: Config | None = field(default=None, init=False)
    _archive: Archive | None = field(default=None, init=False)

    def config(self, *, required: bool = True) -> Config:
        if self._config is None:
            if not self.config_path.exists() and not (required or self.config_given):
                self._config = Config()
            else:
                self._config = load_config(self.config_path)
        return self._config

    def database_url(self) -> str:
        if self.db_override:
            return self.db_override
        config = self.config(required=False)
        url = make_url(config.database)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database)
            if not path.is_absolute() and config.path is not None:
                return url.set(database=str(config.path.parent / path)).render_as_string(hide_password=False)
        return config.database

    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = Archive(self.database_url())
        return self._archive
