"""What a human-read notification says: subject, plain text and HTML of a message.

Pure functions of the message. A message becomes a list of blocks (facts,
the quote, the diff, the links); the plain-text and HTML renderings are built
from the same blocks, so they always say the same thing. Everything that
comes from a fetched page is escaped in the HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from monitor.notify.base import SOURCE_FAILING, SOURCE_RECOVERED, Message

__all__ = ["Block", "blocks_of", "digest_bodies", "message_bodies", "plain_text", "subject_of"]

SUBJECT_CHARS = 200
DIFF_LINES = 12
LINE_CHARS = 300


@dataclass(frozen=True)
class Block:
    """A run of lines of one kind: ``facts`` (label: value), ``quote``, ``diff`` (+/-), ``links``, ``commands``."""

    kind: Literal["title", "facts", "quote", "diff", "links", "commands", "note"]
    lines: tuple[str, ...]


def _one_line(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def subject_of(message: Message) -> str:
    """``[railwatch] `` and the summary, on one line."""
    return _one_line(f"[railwatch] {message.summary}", SUBJECT_CHARS)


def _route(data: dict[str, Any]) -> str | None:
    route = data.get("route")
    return "–".join(str(stop) for stop in route) if route else None


def _change_blocks(message: Message) -> list[Block]:
    data, detail = message.data, message.detail
    facts = [f"Source: {data.get('source')} · {data.get('kind')} · detected {data.get('detected_at')}"]
    if route := _route(data):
        facts.append(f"Route: {route}")
    if detail.get("title") and detail["title"] not in message.summary:
        facts.append(f"Title: {_one_line(detail['title'], LINE_CHARS)}")
    blocks = [Block("title", (message.summary,)), Block("facts", tuple(facts))]
    if quote := str(detail.get("quote") or "").strip():
        blocks.append(Block("quote", tuple(line.strip() for line in quote.splitlines() if line.strip())))
    diff = [f"- {_one_line(line, LINE_CHARS)}" for line in detail.get("removed") or ()]
    diff += [f"+ {_one_line(line, LINE_CHARS)}" for line in detail.get("added") or ()]
    if diff:
        shown = diff[:DIFF_LINES]
        if len(diff) > DIFF_LINES:
            shown.append(f"… {len(diff) - DIFF_LINES} more lines")
        blocks.append(Block("diff", tuple(shown)))
    if data.get("url"):
        blocks.append(Block("links", (str(data["url"]),)))
    commands = []
    if data.get("snapshot_after") is not None:
        commands.append(f"railwatch show {data['snapshot_after']}")
        if data.get("snapshot_before") is not None:
            commands.append(f"railwatch diff {data['snapshot_before']} {data['snapshot_after']}")
    if commands:
        blocks.append(Block("commands", tuple(commands)))
    return blocks


def _health_blocks(message: Message) -> list[Block]:
    data = message.data
    failing = message.type == SOURCE_FAILING
    facts = [f"Source: {data.get('source')}",
             f"Failed checks in a row: {data.get('consecutive_failures')}"]
    if data.get("last_error"):
        facts.append(f"Last error: {_one_line(data['last_error'], LINE_CHARS)}")
    if failing:
        facts.append(f"Last success: {data.get('since') or 'never'}")
        note = "No change of this source is seen until it answers again. `railwatch sources` shows its health."
    else:
        facts.append(f"Last failure: {data.get('since') or 'unknown'}")
        note = "The source answers again; its changes are watched as before."
    blocks = [Block("title", (message.summary,)), Block("facts", tuple(facts)), Block("note", (note,))]
    if data.get("url"):
        blocks.append(Block("links", (str(data["url"]),)))
    return blocks


def blocks_of(message: Message) -> list[Block]:
    if message.type in (SOURCE_FAILING, SOURCE_RECOVERED):
        return _health_blocks(message)
    return _change_blocks(message)


def _text(blocks: Sequence[Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "quote":
            parts.append("\n".join(f"> {line}" for line in block.lines))
        elif block.kind == "diff":
            parts.append("Changed lines:\n" + "\n".join(f"  {line}" for line in block.lines))
        elif block.kind == "links":
            parts.append("\n".join(block.lines))
        elif block.kind == "commands":
            parts.append("In the archive:\n" + "\n".join(f"  {line}" for line in block.lines))
        else:
            parts.append("\n".join(block.lines))
    return "\n\n".join(parts) + "\n"


def _link(url: str) -> str:
    shown = html.escape(url)
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{shown}</a>'
    return shown


def _html(blocks: Sequence[Block]) -> str:
    parts = []
    for block in blocks:
        lines = [html.escape(line) for line in block.lines]
        if block.kind == "title":
            parts.append(f"<h3>{'<br>'.join(lines)}</h3>")
        elif block.kind == "quote":
            parts.append(f"<blockquote>{'<br>'.join(lines)}</blockquote>")
        elif block.kind == "diff":
            rows = [f'<span style="color:{"#080" if line.startswith("+") else "#a00"}">{text}</span>'
                    for line, text in zip(block.lines, lines, strict=True)]
            parts.append(f"<p>Changed lines:</p><pre>{chr(10).join(rows)}</pre>")
        elif block.kind == "links":
            parts.append(f"<p>{'<br>'.join(_link(line) for line in block.lines)}</p>")
        elif block.kind == "commands":
            parts.append("<p>In the archive: " + ", ".join(f"<code>{line}</code>" for line in lines) + "</p>")
        else:
            parts.append(f"<p>{'<br>'.join(lines)}</p>")
    return "\n".join(parts)


def _page(body: str) -> str:
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>\n'


def plain_text(message: Message) -> str:
    """The plain-text rendering of one message."""
    return _text(blocks_of(message))


def message_bodies(message: Message) -> tuple[str, str]:
    """Plain text and HTML of one message."""
    blocks = blocks_of(message)
    return _text(blocks), _page(_html(blocks))


def digest_bodies(messages: Sequence[Message]) -> tuple[str, str]:
    """Plain text and HTML of several messages in one mail, in order."""
    count = f"{len(messages)} change{'s' if len(messages) != 1 else ''}"
    texts = [f"{index}. " + _text(blocks_of(message)) for index, message in enumerate(messages, 1)]
    htmls = [f"<li>{_html(blocks_of(message))}</li>" for message in messages]
    text = f"railwatch: {count}\n\n" + ("\n" + "-" * 40 + "\n\n").join(texts)
    return text, _page(f"<p>railwatch: {count}</p>\n<ol>\n" + "\n".join(htmls) + "\n</ol>")
