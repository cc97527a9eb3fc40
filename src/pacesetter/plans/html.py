"""The plan body's small HTML dialect: sanitising with an allow-list, and reading it back as blocks."""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3  # dependency: nh3>=0.2 (Rust ammonia bindings) — the allow-list sanitiser for rich text

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "h2", "h3", "h4", "ul", "ol", "li"}
BLOCK_TAGS = ("p", "h2", "h3", "h4", "li")


def sanitise_body(raw: str) -> str:
    """Keep only paragraphs, headings, lists, bold and italic; plain text becomes paragraphs."""
    raw = (raw or "").replace("\r\n", "\n").strip()
    if not raw:
        return ""
    if "<" not in raw:
        return "".join(f"<p>{html.escape(line.strip())}</p>" for line in raw.split("\n") if line.strip())
    # Browsers' contenteditable wraps lines in <div>; treat them as paragraphs rather than losing the breaks.
    raw = re.sub(r"<div(\s[^>]*)?>", "<p>", raw, flags=re.IGNORECASE)
    raw = re.sub(r"</div\s*>", "</p>", raw, flags=re.IGNORECASE)
    raw = re.sub(r"<h1(\s[^>]*)?>", "<h2>", raw, flags=re.IGNORECASE)
    raw = re.sub(r"</h1\s*>", "</h2>", raw, flags=re.IGNORECASE)
    cleaned = nh3.clean(raw, tags=ALLOWED_TAGS, attributes={}, strip_comments=True, link_rel=None)
    cleaned = re.sub(r"<p>(\s|&nbsp;|<br>)*</p>", "", cleaned).strip()
    return cleaned


def body_text(body: str) -> str:
    """The body as plain text, one block per line (for search, previews and the emptiness check)."""
    return "\n".join("".join(r.text for r in b.runs) for b in parse_blocks(body)).strip()


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    kind: str  # "p", "h2", "h3", "h4", "li"
    runs: list[Run] = field(default_factory=list)
    list_kind: str = ""  # "ul" or "ol" for list items
    number: int = 0  # position in an ordered list, from 1


class _BlockParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.bold = 0
        self.italic = 0
        self.lists: list[list] = []  # stack of [kind, counter]

    def _open(self, kind: str) -> None:
        self._close()
        block = Block(kind)
        if kind == "li" and self.lists:
            self.lists[-1][1] += 1
            block.list_kind, block.number = self.lists[-1][0], self.lists[-1][1]
        self.current = block

    def _close(self) -> None:
        if self.current is not None and "".join(r.text for r in self.current.runs).strip():
            self.blocks.append(self.current)
        self.current = None

    def handle_starttag(self, tag, attrs):
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag in ("ul", "ol"):
            self._close()
            self.lists.append([tag, 0])
        elif tag in BLOCK_TAGS:
            self._open(tag)
        elif tag == "br":
            self._close()

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag in ("ul", "ol"):
            self._close()
            if self.lists:
                self.lists.pop()
        elif tag in BLOCK_TAGS:
            self._close()

    def handle_data(self, data):
        if not data.strip() and self.current is None:
            return
        if self.current is None:
            self.current = Block("li" if self.lists else "p")
        self.current.runs.append(Run(data, bool(self.bold), bool(self.italic)))


def parse_blocks(body: str) -> list[Block]:
    parser = _BlockParser()
    parser.feed(body or "")
    parser.close()
    parser._close()
    return parser.blocks
