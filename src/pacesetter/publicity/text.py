"""Article text: the body's small HTML dialect (sanitised with an allow-list) and its plain text."""

import html
import re

import nh3  # the allow-list sanitiser the plans app also uses

ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote"}
_BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)


def sanitise(raw: str) -> str:
    """Keep paragraphs, headings, lists and emphasis; drop scripts, attributes and everything else.

    Plain text (no tags at all) becomes one paragraph per line.
    """
    raw = (raw or "").replace("\x00", "")
    if "<" not in raw:
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        return "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes={}, strip_comments=True, link_rel=None).strip()


def paragraphs(body_html: str) -> list[str]:
    """The sanitised body as plain paragraphs (for Word and the search index)."""
    text = _BLOCK_END.sub("\n", body_html or "")
    text = html.unescape(nh3.clean(text, tags=set()))
    return [p.strip() for p in text.splitlines() if p.strip()]


def plain(body_html: str) -> str:
    return "\n".join(paragraphs(body_html))
