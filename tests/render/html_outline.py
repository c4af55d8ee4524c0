"""Read back what an HTML page offers a reader: headings, tables, figures, scripts, links."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HtmlTable:
    caption: str = ""
    header_scopes: list[str | None] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class Outline(HTMLParser):
    """Collects headings, tables (caption, header scopes, cell text), findings, external
    references and landmarks from an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str | None]] = []
        self.tables: list[HtmlTable] = []
        self.findings: list[str] = []
        self.external: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._text: list[str] | None = None
        self._capture: str | None = None
        self._heading: tuple[int, str | None] | None = None
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if value.startswith(("http://", "https://", "//")):
                self.external.append(f"{tag} {name}={value}")
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = (int(tag[1]), attributes.get("id"))
            self._start(tag)
        elif tag == "table":
            self.tables.append(HtmlTable())
        elif tag == "caption":
            self._start(tag)
        elif tag == "tr":
            self._row = []
        elif tag in {"th", "td"}:
            if tag == "th" and self._row is not None and not self.tables[-1].rows:
                self.tables[-1].header_scopes.append(attributes.get("scope"))
            self._start(tag)
        elif tag == "li" and "finding" in (attributes.get("class") or "").split():
            self._start("li")

    def _start(self, tag: str) -> None:
        self._capture, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            if self._row:
                self.tables[-1].rows.append(self._row)
            self._row = None
        if tag != self._capture or self._text is None:
            return
        text = " ".join("".join(self._text).split())
        self._capture, self._text = None, None
        if tag.startswith("h") and self._heading:
            self.headings.append((self._heading[0], text, self._heading[1]))
        elif tag == "caption":
            self.tables[-1].caption = text
        elif tag in {"th", "td"} and self._row is not None:
            self._row.append(text)
        elif tag == "li":
            self.findings.append(text)
