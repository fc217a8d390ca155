"""A small reader for the tables and images of built pages (standard library only)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class PageReader(HTMLParser):
    """Collects the page's h1, tables (by id: caption and rows of cell texts) and images (src, alt)."""

    def __init__(self):
        super().__init__()
        self.h1 = ""
        self.tables: dict[str, dict] = {}
        self.images: list[dict] = []
        self._in_h1 = False
        self._table = None
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
        elif tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", f"table-{len(self.tables)}"),
                                                 {"caption": "", "rows": []})
        elif tag == "caption" and self._table is not None:
            self._in_caption = True
        elif tag == "tr" and self._table is not None:
            self._table["rows"].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = ""
        elif tag == "img":
            self.images.append({"src": attrs.get("src", ""), "alt": attrs.get("alt", "")})

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        elif tag == "table":
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table["rows"][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._in_h1 and not self.h1.strip():
            self.h1 = data.strip()
        if self._in_caption:
            self._table["caption"] += data
        if self._cell is not None:
            self._cell += data


def read_page(path: Path) -> PageReader:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader
