"""Read a rendered report back: the text inside each ``data-element`` marked element."""

from __future__ import annotations

from collections import Counter, defaultdict
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "wbr"}


class Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.text: dict[str, str] = defaultdict(str)
        self.count: Counter[str] = Counter()
        self.tags: Counter[str] = Counter()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag in VOID:
            return
        key = dict(attrs).get("data-element")
        self.stack.append(key)
        if key:
            self.count[key] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for key in self.stack:
            if key:
                self.text[key] += data
