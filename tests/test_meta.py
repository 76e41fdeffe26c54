"""Meta-tests: every registered kind is documented, and the README's examples are true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from monitor.config import NOTIFIER_KINDS, SOURCE_KINDS, CrawlConfig, SourceConfig, parse_config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_the_readme_configuration_example_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAILWATCH_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    monkeypatch.setenv("SMTP_PASSWORD", "secret")
    [block] = [b for b in yaml_blocks() if "sources:" in b]
    config = parse_config(yaml.safe_load(block), "README.md")
    assert {source.kind for source in config.sources} == set(SOURCE_KINDS)


@pytest.mark.parametrize("kind", sorted(SOURCE_KINDS))
def test_every_source_kind_is_documented(kind: str) -> None:
    assert f"`{kind}`" in README


@pytest.mark.parametrize("kind", sorted(NOTIFIER_KINDS))
def test_every_notifier_kind_is_documented(kind: str) -> None:
    assert f"kind: {kind}" in README


@pytest.mark.parametrize("field", sorted(CrawlConfig.model_fields))
def test_every_crawl_setting_is_documented(field: str) -> None:
    assert f"| `{field}` |" in README


@pytest.mark.parametrize("field", sorted({name for cls in SOURCE_KINDS.values() for name in cls.model_fields}))
def test_every_source_field_is_documented(field: str) -> None:
    assert f"| `{field}` |" in README or field == "kind"


def test_every_command_is_documented() -> None:
    from monitor.cli import main

    for name in main.commands:
        assert f"railwatch {name}" in README, name


def test_source_fields_have_descriptions() -> None:
    for name, field in SourceConfig.model_fields.items():
        assert field.description or name in ("interval",), name
