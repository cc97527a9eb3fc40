"""The English catalog is complete: every message has a translation, none is left fuzzy, placeholders match."""

import re
from pathlib import Path

import pacesetter

PO = Path(pacesetter.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _entries():
    """(msgid, [msgstr…], flags) for every entry of the catalog: a minimal reader of the .po format."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        flags, fields, field = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("msg"):
                field, _, rest = line.partition(" ")
                fields[field] = _unquote(rest)
            elif line.startswith('"') and field:
                fields[field] += _unquote(line)
            else:
                field = None  # comments, including "#|" previous msgids
        if fields.get("msgid"):
            entries.append((fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], flags))
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def test_every_message_is_translated_and_not_fuzzy():
    entries = _entries()
    assert len(entries) > 1000
    untranslated = [m for m, s, _f in entries if not all(s)]
    fuzzy = [m for m, _s, f in entries if "fuzzy" in f]
    assert untranslated == [] and fuzzy == []


def test_placeholders_match():
    wrong = [
        m
        for m, strs, _f in _entries()
        for s in strs
        if s and sorted(set(PLACEHOLDER.findall(m))) != sorted(set(PLACEHOLDER.findall(s)))
    ]
    assert wrong == []
