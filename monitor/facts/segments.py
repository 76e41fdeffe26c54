"""Split a document into segments: press-conference Q&A pairs, otherwise paragraphs."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from .model import Segment

__all__ = ["Paragraph", "paragraphs", "segment"]

# "AFP: …", "Yonhap News Agency: …", "Guo Jiakun: …", "记者：…", "问：…", "答：…"
_LABEL = re.compile(
    r"^\s*(?P<label>[A-Z][\w.'&()\- ]{0,48}?|[\u4e00-\u9fff·]{1,12}|[가-힣 ]{2,12}|[А-ЯЁ][\w.\- ]{0,40}?)"
    r"\s*[:：]\s*\S"
)
_ZH_QUESTION = {"记者", "記者", "问", "問", "提问", "提問", "기자", "질문", "문", "Вопрос", "Q", "Question"}
_ZH_ANSWER = {"答", "回答", "답", "답변", "Ответ", "A", "Answer"}
# Labels that open a paragraph but are not speakers.
_NOT_SPEAKER = re.compile(r"^(?:Note|Update|Updated|Correction|Source|Editor|Photo|Tel|Fax|Address|Email|URL|"
                          r"注|备注|來源|来源|地址|电话|電話|주소|전화|Адрес|Тел|Источник|Примечание)$", re.I)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a document with its role in a press conference, if any."""

    text: str
    index: int
    role: str  # "question", "answer", "follow" (unlabelled after an answer) or "text"


def _label(paragraph: str) -> str | None:
    m = _LABEL.match(paragraph)
    if not m:
        return None
    label = m.group("label").strip()
    if _NOT_SPEAKER.match(label) or re.search(r"\d", label):
        return None
    return label


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs, with press-conference roles (question, answer, follow-on) in a transcript."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    labels = [_label(p) for p in parts]
    counts = Counter(label for label in labels if label)
    answerers = {label for label in counts if label in _ZH_ANSWER}
    # A labelled question ("AFP: …?") is answered by the next labelled paragraph.
    labelled = [(label, part) for label, part in zip(labels, parts, strict=True) if label is not None]
    for (asker, question), (next_label, _) in itertools.pairwise(labelled):
        if question.rstrip().endswith(("?", "？")) and next_label != asker and next_label not in _ZH_QUESTION:
            answerers.add(next_label)
    if not answerers and counts:
        top, n = counts.most_common(1)[0]
        # A transcript: one speaker answers several questions put by others.
        asked = any(label != top and ("?" in part or "？" in part) for label, part in labelled)
        if n >= 2 and len(counts) >= 2 and asked:
            answerers = {top}
    transcript = bool(answerers)
    out: list[Paragraph] = []
    role = "text"
    for i, (part, label) in enumerate(zip(parts, labels, strict=True)):
        if not transcript:
            out.append(Paragraph(part, i, "text"))
            continue
        if label in answerers:
            role = "answer"
        elif label is not None and (label in _ZH_QUESTION or label not in answerers):
            role = "question"
        elif role in ("answer", "follow"):
            role = "follow"
        else:
            role = "text" if role == "text" else "follow"
        out.append(Paragraph(part, i, role))
    return out


def segment(text: str) -> list[Segment]:
    """Q&A pairs (question, answer and unlabelled follow-on paragraphs), otherwise paragraphs."""
    segments: list[Segment] = []
    current: list[str] = []
    in_qa = False
    for para in paragraphs(text):
        if para.role == "question" or (para.role == "answer" and not in_qa) or para.role == "text":
            if current:
                segments.append(Segment("\n\n".join(current), len(segments)))
            current = [para.text]
            in_qa = para.role in ("question", "answer")
        else:
            current.append(para.text)
    if current:
        segments.append(Segment("\n\n".join(current), len(segments)))
    return segments
