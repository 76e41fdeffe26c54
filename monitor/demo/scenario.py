"""The replay's script: its sources, how each path is served, and its steps.

It is read from ``scenario.yaml`` beside this module; the site's files live
under ``site/<step>/`` there (see the comment at the top of the YAML file).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = ["Scenario", "ServeRule", "Step", "load_scenario", "site_root"]

StepKind = Literal["baseline", "noise", "events"]


@dataclass(frozen=True)
class ServeRule:
    """How the paths matching ``path`` (a glob) are served."""

    path: str
    charset: str | None = None          # utf-8, gbk or cp1251; files on disk are UTF-8
    declare: str | None = None          # header | meta | none: where the charset is named
    content_type: str | None = None
    validators: bool | None = None      # False: no ETag/Last-Modified, as dynamic pages

    def matches(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.path)


@dataclass(frozen=True)
class ServeOptions:
    """The options in force for one path, once every matching rule is applied."""

    charset: str = "utf-8"
    declare: str = "header"
    content_type: str | None = None
    validators: bool = True


@dataclass(frozen=True)
class Step:
    """One step of the replay: what it is meant to show, in one line."""

    title: str
    kind: StepKind
    narration: str


@dataclass(frozen=True)
class Scenario:
    title: str
    sources: tuple[dict[str, Any], ...]
    serve: tuple[ServeRule, ...]
    steps: tuple[Step, ...]

    def options(self, path: str) -> ServeOptions:
        """Every rule matching ``path`` applies in order; later rules win."""
        merged: dict[str, Any] = {}
        for rule in self.serve:
            if rule.matches(path):
                merged.update({key: value for key, value in vars(rule).items()
                               if key != "path" and value is not None})
        return ServeOptions(**merged)

    def source_config(self, base: str) -> list[dict[str, Any]]:
        """The sources as configuration entries, ``{base}`` replaced by the server's address."""
        return list(json.loads(json.dumps(self.sources).replace("{base}", base)))


def load_scenario(text: str | None = None) -> Scenario:
    """The bundled scenario (or one given as YAML text)."""
    if text is None:
        text = resources.files(__package__).joinpath("scenario.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return Scenario(
        title=str(data["title"]),
        sources=tuple(data["sources"]),
        serve=tuple(ServeRule(**rule) for rule in data.get("serve") or ()),
        steps=tuple(
            Step(title=str(s["title"]), kind=s["kind"], narration=" ".join(str(s["narration"]).split()))
            for s in data["steps"]
        ),
    )


@contextmanager
def site_root() -> Iterator[Path]:
    """The bundled site's folder on disk (extracted first when the package is zipped)."""
    with resources.as_file(resources.files(__package__).joinpath("site")) as path:
        yield path
