"""The notices as an Atom feed (RFC 4287), written with the standard library.

feedgen 1.0.0 (the latest release) writes only `href` on an entry's links, dropping `rel`
and `type` (python-feedgen issue 135, open): an entry with two links would then carry two
untyped alternates, which RFC 4287 §4.1.1 forbids. Its fix is unreleased, and the few
elements needed here are simpler to write than to patch around.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
#: the register's legal dates are Beijing dates; an Atom date needs a time and an offset
BEIJING_MIDNIGHT = "T00:00:00+08:00"
#: characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", ATOM)


def entry_id(notice_id: int) -> str:
    """Stable for as long as the notice exists: its number in the register never changes."""
    return f"urn:registry:notice:{notice_id}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _content(record: dict[str, Any]) -> str:
    lines = []
    for organisation in record["organisations"]:
        line = f"{organisation['uscc']} {organisation['name']}"
        if organisation["responded_on"]:
            line += f"（{organisation['responded_on']} 已回应）"
        lines.append(line)
    return "\n".join(lines)


def atom_feed(
    records: Sequence[dict[str, Any]],
    *,
    feed_id: str,
    title: str,
    self_url: str,
    list_url: str,
    json_url: Callable[[int], str],
    document_url: Callable[[int], str],
    publisher: str,
    fallback_updated: str,
) -> bytes:
    """The feed of `records` (notice records, newest first): each entry updated on its day
    of publication, linking to its JSON record and its printable document, its content the
    organisations it names. `fallback_updated` dates a feed without entries."""
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    newest = max((r["published_on"] for r in records), default=None)
    _add(feed, "updated", f"{newest}{BEIJING_MIDNIGHT}" if newest else fallback_updated)
    _add(feed, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    _add(feed, "link", rel="alternate", type="application/json", href=list_url)
    _add(_add(feed, "author"), "name", publisher)
    for record in records:
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(record["id"]))
        _add(entry, "title", f"{record['title']}（{record['number']}）")
        published = f"{record['published_on']}{BEIJING_MIDNIGHT}"
        _add(entry, "updated", published)
        _add(entry, "published", published)
        _add(_add(entry, "author"), "name", record["authority_name"])
        _add(entry, "category", term=record["kind"])
        # Readers open the text/html alternate; programs follow the JSON one.
        _add(entry, "link", rel="alternate", type="text/html", href=document_url(record["id"]))
        _add(entry, "link", rel="alternate", type="application/json", href=json_url(record["id"]))
        _add(
            entry,
            "summary",
            f"{record['authority_name']}发布，公告期{record['published_on']}至"
            f"{record['ends_on']}，列明{record['count']}家社会组织。",
        )
        _add(entry, "content", _content(record), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
