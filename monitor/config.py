"""The one typed configuration object, loaded from railwatch.yaml.

Every setting the product reads flows from :class:`Config`; nothing else reads
the YAML file or the environment.  Source kinds and notifier kinds are two
registries filled by their classes (``kind`` plus ``__pydantic_init_subclass__``),
so an unknown kind is refused with the list of valid ones.

A broken file raises :class:`ConfigError`, whose message names the file, the
source (when there is one) and the field.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.content.select import compile_selector, split_ignore
from monitor.exceptions import ConfigError

__all__ = [
    "NOTIFIER_KINDS",
    "SOURCE_KINDS",
    "AppriseNotify",
    "Config",
    "CrawlConfig",
    "DeliveryConfig",
    "EmailNotify",
    "FeedSource",
    "IndexSource",
    "NotifyConfig",
    "PageSource",
    "SourceConfig",
    "WebhookNotify",
    "load_config",
    "parse_config",
    "parse_duration",
    "parse_size",
]

EVENT_KINDS = ("new", "removed", "status", "schedule", "content")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1000, "m": 1000**2, "g": 1000**3}
_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def parse_duration(value: object) -> timedelta:
    """``"15m"``, ``"1s"``, ``"250ms"``, ``"2h"`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"not a duration: {value!r} (write e.g. 30s, 15m, 2h)")
    return timedelta(seconds=float(match[1]) * _DURATION_UNITS[match[2]])


def parse_size(value: object) -> int:
    """``"32MB"``, ``"512k"``, ``"1GiB"`` or a number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"not a size: {value!r} (write e.g. 32MB, 512KB)")
    unit = (match[2] or "").lower()
    factor = _SIZE_UNITS[unit[:1]] if unit else 1
    if "i" in unit:
        factor = {"k": 1024, "m": 1024**2, "g": 1024**3}[unit[0]]
    return int(float(match[1]) * factor)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Interval(_Strict):
    """How often the daemon runs a source: a fixed period or a cron expression."""

    every: timedelta | None = None
    cron: str | None = None

    @classmethod
    def parse(cls, value: object) -> Interval:
        text = str(value).strip()
        if text.startswith("cron:"):
            expr = text[len("cron:") :].strip()
            if len(expr.split()) != 5:
                raise ValueError(f"a cron expression has five fields: {expr!r}")
            return cls(cron=expr)
        return cls(every=parse_duration(text))


SOURCE_KINDS: dict[str, type[SourceConfig]] = {}
"""Source kinds by name, filled by each subclass of :class:`SourceConfig`."""

NOTIFIER_KINDS: dict[str, type[NotifyConfig]] = {}
"""Notifier kinds by name, filled by each subclass of :class:`NotifyConfig`."""


class SourceConfig(_Strict):
    """Fields common to every source kind."""

    kind: ClassVar[str] = ""
    name: str = Field(pattern=r"^[a-z0-9-]+$", description="unique name, [a-z0-9-]+")
    url: str = Field(description="the page, index or feed to watch (http or https)")
    select: str | None = Field(default=None, description='CSS or "xpath:..." region to watch')
    ignore: tuple[str, ...] = Field(default=(), description="regexes and CSS selectors that never count")
    keywords: tuple[str, ...] = Field(default=(), description="keep only segments/items mentioning one")
    interval: Interval = Field(default_factory=lambda: Interval(every=timedelta(minutes=30)))
    robots: bool | None = Field(default=None, description="obey robots.txt (default: crawl.robots)")
    max_items: int = Field(default=100, ge=1, description="index/feed: item pages re-checked per pass")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.kind:
            SOURCE_KINDS[cls.kind] = cls

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: object) -> object:
        return value if isinstance(value, Interval | dict) else Interval.parse(value)

    @field_validator("ignore")
    @classmethod
    def _ignore_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for rule in split_ignore(value)[0]:
            try:
                re.compile(rule)
            except re.error as exc:
                raise ValueError(f"not a valid regex: {rule!r} ({exc})") from None
        return value

    @field_validator("select")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        if value is not None:
            compile_selector(value)  # SelectorSyntaxError is a ValueError: reported on the field
        return value

    @property
    def ignore_selectors(self) -> tuple[str, ...]:
        return tuple(split_ignore(self.ignore)[1])

    @property
    def ignore_patterns(self) -> tuple[str, ...]:
        return tuple(split_ignore(self.ignore)[0])


class PageSource(SourceConfig):
    """One page; its watched text is the `select` region or the main content."""

    kind: ClassVar[str] = "page"


class IndexSource(SourceConfig):
    """A list of notices: each item link is a document of its own, fetched and watched."""

    kind: ClassVar[str] = "index"
    links: str | None = Field(default=None, description='CSS or "xpath:..." for item links')

    @field_validator("links")
    @classmethod
    def _links_selector(cls, value: str | None) -> str | None:
        if value is not None:
            compile_selector(value)
        return value


class FeedSource(SourceConfig):
    """An RSS or Atom feed: each entry's article is fetched and watched."""

    kind: ClassVar[str] = "feed"



class NotifyConfig(_Strict):
    """Fields common to every notification endpoint."""

    kind: ClassVar[str] = ""
    name: str | None = Field(default=None, description="endpoint name in listings (default: kind and index)")
    kinds: tuple[str, ...] = Field(default=EVENT_KINDS, description="event kinds sent to this endpoint")
    sources: tuple[str, ...] = Field(default=(), description="only events of these sources (default: all)")
    health: bool = Field(default=True, description="also send 'source failing' and 'source recovered' notices")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.kind:
            NOTIFIER_KINDS[cls.kind] = cls

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(EVENT_KINDS))
        if unknown:
            raise ValueError(f"unknown event kind {unknown[0]!r}; valid: {', '.join(EVENT_KINDS)}")
        return value

    @property
    def target(self) -> str:
        """Where messages go (without credentials); the default endpoint key is built from it."""
        raise NotImplementedError

    @property
    def key(self) -> str:
        """The endpoint's identity in the outbox: its ``name``, else kind and target.

        Stable across restarts and reorderings of the file, so deliveries owed
        to an endpoint survive an edit of other entries.
        """
        return self.name or f"{self.kind}:{self.target}"

    def covers(self, source: str) -> bool:
        """Whether messages about ``source`` go to this endpoint (its ``sources`` filter)."""
        return not self.sources or source in self.sources

    def wants(self, source: str, kind: str) -> bool:
        """Whether an event of ``kind`` from ``source`` goes to this endpoint."""
        return kind in self.kinds and self.covers(source)


class WebhookNotify(NotifyConfig):
    """HTTP POST signed with the Standard Webhooks scheme."""

    kind: ClassVar[str] = "webhook"
    url: str
    secret: str = Field(description="a Standard Webhooks secret: whsec_ followed by base64")
    timeout: timedelta = Field(default=timedelta(seconds=10))

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, value: object) -> timedelta:
        return parse_duration(value)

    @field_validator("secret")
    @classmethod
    def _whsec(cls, value: str) -> str:
        if not value.startswith("whsec_") or len(value) < 12:
            raise ValueError("a webhook secret is 'whsec_' followed by base64")
        try:
            base64.b64decode(value.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise ValueError("a webhook secret is 'whsec_' followed by base64") from None
        return value

    @property
    def target(self) -> str:
        return self.url


class EmailNotify(NotifyConfig):
    """One e-mail per event (or one digest per run) over SMTP."""

    kind: ClassVar[str] = "email"
    smtp: str = Field(description="smtp://, smtp+starttls:// or smtps://user:password@host:port")
    from_: str = Field(alias="from")
    to: tuple[str, ...]
    digest: bool = False

    @field_validator("smtp")
    @classmethod
    def _smtp_url(cls, value: str) -> str:
        if not re.match(r"^(smtp|smtps|smtp\+starttls)://", value):
            raise ValueError("write smtp://, smtp+starttls:// or smtps://host:port")
        return value

    @property
    def target(self) -> str:
        host = urlsplit(self.smtp).hostname or ""
        return f"{host}/{','.join(self.to)}"


class AppriseNotify(NotifyConfig):
    """Any channel Apprise reaches (Slack, Telegram, Matrix, ntfy, …), by Apprise URLs."""

    kind: ClassVar[str] = "apprise"
    urls: tuple[str, ...] = Field(min_length=1, description="Apprise URLs, e.g. ntfy://host/topic")

    @field_validator("urls")
    @classmethod
    def _apprise_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import apprise  # only when such an endpoint is configured: the library is large

        for url in value:
            if apprise.Apprise.instantiate(url) is None:
                scheme = url.split("://", 1)[0]
                raise ValueError(f"Apprise does not understand the URL scheme {scheme!r}")
        return value

    @property
    def target(self) -> str:
        digest = hashlib.sha256("\n".join(self.urls).encode()).hexdigest()[:12]
        return f"{len(self.urls)}-urls-{digest}"



class CrawlConfig(_Strict):
    """How politely and safely pages are fetched (the `crawl:` section)."""

    concurrency: int = Field(default=16, ge=1, le=512, description="requests in flight in all")
    per_host: int = Field(default=4, ge=1, le=512, description="requests in flight per host")
    delay: timedelta = Field(default=timedelta(seconds=1), description="least time between two requests to one host")
    autothrottle: bool = Field(default=True, description="adapt the delay to each host's latency")
    robots: bool = Field(default=True, description="obey robots.txt (a source may set robots: false)")
    timeout: timedelta = Field(default=timedelta(seconds=30), description="per request")
    retries: int = Field(default=2, ge=0, le=10, description="retries on 5xx, 429 and network errors")
    max_bytes: int = Field(default=32 * 1000**2, ge=1024, description="larger responses are refused")
    max_redirects: int = Field(default=5, ge=0, le=20, description="redirect hops followed")
    allow_private: bool = Field(default=False, description="allow loopback/private/link-local/reserved hosts")
    user_agent: str = Field(
        default="railwatch/0.1 (+https://github.com/railwatch/railwatch)",
        description="honest User-Agent with a contact URL",
    )

    @field_validator("delay", "timeout", mode="before")
    @classmethod
    def _durations(cls, value: object) -> timedelta:
        return parse_duration(value)

    @field_validator("max_bytes", mode="before")
    @classmethod
    def _size(cls, value: object) -> int:
        return parse_size(value)


class DeliveryConfig(_Strict):
    """How owed notifications are retried (the `delivery:` section)."""

    backoff: timedelta = Field(default=timedelta(seconds=30), description="first retry delay; doubles each time")
    max_backoff: timedelta = Field(default=timedelta(hours=1), description="longest delay between two attempts")
    max_age: timedelta = Field(default=timedelta(days=2), description="give a delivery up after this long")
    failing_after: int = Field(default=3, ge=1, description="failed checks in a row before a 'source failing' notice")

    @field_validator("backoff", "max_backoff", "max_age", mode="before")
    @classmethod
    def _durations(cls, value: object) -> timedelta:
        return parse_duration(value)


class Config(_Strict):
    """The whole railwatch.yaml."""

    database: str = Field(default="sqlite:///railwatch.db", description="any SQLAlchemy URL")
    sources: tuple[SourceConfig, ...] = ()
    crawl: CrawlConfig = Field(default_factory=CrawlConfig)
    notify: tuple[NotifyConfig, ...] = ()
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    stations: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="gazetteer additions: canonical name -> other spellings"
    )
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}")
            seen.add(source.name)
        keys: set[str] = set()
        for endpoint in self.notify:
            if endpoint.key in keys:
                raise ValueError(f"two notify entries are both {endpoint.key!r}; give one a distinct 'name'")
            keys.add(endpoint.key)
            unknown = sorted(set(endpoint.sources) - seen)
            if unknown:
                raise ValueError(f"notify entry {endpoint.key!r}: field 'sources': no source named {unknown[0]!r}")
        return self

    def endpoint(self, key: str) -> NotifyConfig | None:
        """The configured notify entry whose key is ``key`` (None once it is removed from the file)."""
        return next((endpoint for endpoint in self.notify if endpoint.key == key), None)

    def source(self, name: str) -> SourceConfig:
        """The source named ``name`` (a KeyError naming it when there is none)."""
        built_from, by_name = self._source_index
        if built_from is not self.sources:  # a copy with other sources: index those
            self.__dict__.pop("_source_index")
            built_from, by_name = self._source_index
        return by_name[name]

    @cached_property
    def _source_index(self) -> tuple[tuple[SourceConfig, ...], dict[str, SourceConfig]]:
        """Sources by name, with the tuple they were read from: a run looks a source up per page."""
        return self.sources, {source.name: source for source in self.sources}


def _expand_env(value: Any, where: str) -> Any:
    if isinstance(value, str):

        def one(match: re.Match[str]) -> str:
            name = match[1]
            if name not in os.environ:
                raise ConfigError(f"{where}: environment variable ${{{name}}} is not set")
            return os.environ[name]

        return _ENV_VAR.sub(one, value)
    if isinstance(value, list):
        return [_expand_env(item, where) for item in value]
    if isinstance(value, dict):
        return {key: _expand_env(item, where) for key, item in value.items()}
    return value


def _build_entries(raw: object, registry: Mapping[str, type[BaseModel]], section: str, where: str) -> list[BaseModel]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: field '{section}': expected a list")
    built = []
    for index, entry in enumerate(raw):
        label = f"{section}[{index}]"
        if isinstance(entry, dict) and entry.get("name"):
            label += f" ({entry['name']})"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: {label}: expected a mapping")
        kind = entry.get("kind")
        cls = registry.get(str(kind))
        if cls is None:
            raise ConfigError(
                f"{where}: {label}: field 'kind': unknown kind {kind!r}; valid: {', '.join(sorted(registry))}"
            )
        body = {key: value for key, value in entry.items() if key != "kind"}
        try:
            built.append(cls.model_validate(body))
        except ValidationError as exc:
            raise ConfigError(f"{where}: {label}: {_describe(exc)}") from None
    return built


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(entry)"
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"field '{field}': {message}")
    return "; ".join(parts)


def parse_config(data: object, where: str = "railwatch.yaml") -> Config:
    """Build a :class:`Config` from already-parsed YAML (``where`` names it in errors)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    data = dict(_expand_env(data, where))
    sources = _build_entries(data.get("sources"), SOURCE_KINDS, "sources", where)
    notify = _build_entries(data.get("notify"), NOTIFIER_KINDS, "notify", where)
    rest = {key: value for key, value in data.items() if key not in ("sources", "notify")}
    try:
        return Config.model_validate({**rest, "sources": sources, "notify": notify})
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_describe(exc)}") from None


# libyaml's loader when PyYAML was built with it: a file of a thousand sources loads ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_config(path: Path) -> Config:
    """Read, expand and validate a configuration file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    config = parse_config(data, str(path))
    return config.model_copy(update={"path": path})
