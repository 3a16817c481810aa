"""Tests of the server-rendered pages, with a small reader of their HTML (the standard
library's parser: links with their text, the text alone, form fields)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Html(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.fields: dict[str, str] = {}
        self.words: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self._skip = 0
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and "href" in found:
            self._href, self._link_text = found["href"], []
        if tag == "input" and "name" in found:
            self.fields[found["name"]] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.words.append(data)
        if self._href is not None:
            self._link_text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())

    def link(self, text: str) -> str:
        """The href of the first link whose text starts with `text`."""
        for href, label in self.links:
            if label.startswith(text):
                return href
        raise AssertionError(f"no link {text!r} among {[label for _, label in self.links]}")

    def hrefs(self, starting: str) -> list[str]:
        return [href for href, _ in self.links if href.startswith(starting)]


def read(response: Any) -> Html:
    assert response.mimetype == "text/html", response.mimetype
    return Html(response.get_data(as_text=True))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)
