"""Read news articles from files: the only place that parses input files.

``read_articles(paths)`` streams ``Article`` records from ``.txt``, ``.md``,
``.html``/``.htm`` and ``.jsonl`` files and from directories (read recursively,
in sorted order). One file holds one article, except JSON Lines: one article
per line (``id``, ``text``, optional ``title``, ``url``, ``published``,
``publisher``; ``text_file``, a path relative to the JSONL file, may stand in
for ``text``, as in the gold files).

Bad input never stops the stream: each unusable file or line is reported to
``on_problem`` as one line naming it and the reason, and reading goes on. So
is a file or JSONL line over ``MAX_ARTICLE_BYTES``, which is not read at all.
"""

from __future__ import annotations

import calendar
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from eikg.records import Article

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

ProblemHandler = Callable[[str], None]

#: Largest file or JSONL line read as one article, in bytes: far beyond any news
#: article, and small enough for its extraction to stay under 1 GB resident.
MAX_ARTICLE_BYTES = 20_000_000


def _ignore(_: str) -> None:
    pass


def iter_files(
    paths: Iterable[str | os.PathLike], on_problem: ProblemHandler = _ignore
) -> Iterator[Path]:
    """The readable files ``paths`` name, directories expanded in sorted order.

    Inside a directory, hidden entries and files of other types are passed
    over; a file named directly with an unsupported type, or a path that does
    not exist, is reported.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, on_problem)
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                yield path
            else:
                on_problem(
                    f"{path}: unsupported file type {path.suffix or '(none)'!r} "
                    f"(expected {', '.join(sorted(SUFFIXES))})"
                )
        else:
            on_problem(f"{path}: no such file or directory")


def _walk(directory: Path, on_problem: ProblemHandler) -> Iterator[Path]:
    try:
        entries = sorted(directory.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        on_problem(f"{directory}: cannot list directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry, on_problem)
        elif entry.suffix.lower() in SUFFIXES and entry.is_file():
            yield entry


def count_articles(paths: Iterable[str | os.PathLike]) -> int:
    """How many articles ``read_articles`` would try (non-blank JSONL lines count one each).

    Reads JSONL files line by line and keeps nothing, so it is cheap enough to
    size a progress bar.
    """
    total = 0
    for path in iter_files(paths):
        if path.suffix.lower() in JSONL_SUFFIXES:
            with path.open("rb") as f:
                total += sum(1 for line in f if line.strip())
        else:
            total += 1
    return total


def read_articles(
    paths: Iterable[str | os.PathLike], on_problem: ProblemHandler = _ignore
) -> Iterator[Article]:
    """Stream the articles in ``paths`` (files or directories), in a stable order.

    ``on_problem`` receives one line per file or JSONL line that was skipped,
    of the form ``<file>[:<line>]: <reason>``.
    """
    for path in iter_files(paths, on_problem):
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, on_problem)
            continue
        try:
            text = read_text(path)
        except UnreadableFile as exc:
            on_problem(f"{path}: {exc}")
            continue
        if suffix in HTML_SUFFIXES:
            article = _from_html(path, text)
        else:
            article = _from_text(path, text, markdown=suffix == ".md")
        if not article.text.strip():
            on_problem(f"{path}: no visible text")
            continue
        yield article


# --- decoding -------------------------------------------------------------------------


class UnreadableFile(ValueError):
    """A file that holds no usable text (the message is the reason)."""


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
#: Control characters that no text file holds (tab, line breaks and form feed allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_IN_LATIN = re.compile(
    r"(?<=[A-Za-z])[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff](?=[A-Za-z])"
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes: ``(text, encoding)``; raises UnreadableFile.

    Tries a byte-order mark, then UTF-8, then GB18030 (common in Chinese
    sources) when the result reads as Chinese, then cp1252 and Latin-1.
    """
    if not data.strip():
        raise UnreadableFile("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UnreadableFile(f"not valid {encoding} despite its byte-order mark: {exc.reason}")
    head = data[:8192]
    if b"\x00" in head or len(_CONTROL.findall(head.decode("latin-1"))) > len(head) // 20:
        raise UnreadableFile("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        cjk = len(_CJK.findall(text))
        # Western 8-bit text often decodes as GB18030 too, into single ideographs
        # wedged between Latin letters ("r\u9a76sum"): real Chinese does not look so.
        if cjk and len(_CJK_IN_LATIN.findall(text)) * 5 < cjk:
            return text, "gb18030"
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) <= len(text) // 100:
            return text, encoding
    raise UnreadableFile("not text in UTF-8, UTF-16, GB18030 or cp1252")


def read_text(path: Path) -> str:
    """A whole text file, decoded (see ``decode_bytes``), line ends as ``\\n``.

    Raises UnreadableFile for a file over ``MAX_ARTICLE_BYTES``, without reading it.
    """
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise UnreadableFile(f"{size / 1e6:.3g} MB, {_over_limit()}")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    text, _ = decode_bytes(data)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _over_limit() -> str:
    return f"more than the {MAX_ARTICLE_BYTES / 1e6:.3g} MB limit for one article"


# --- plain text and Markdown ----------------------------------------------------------

_MD_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(md: str) -> str:
    """Markdown with its markup dropped: headings, links, images, emphasis, code marks."""
    text = _MD_HEADING.sub(r"\1", md)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def _from_text(path: Path, text: str, *, markdown: bool = False) -> Article:
    if markdown:
        text = markdown_to_text(text)
    return Article(
        id=path.stem,
        text=text,
        title=find_title(text),
        published=find_date(text),
        source=str(path),
    )


# --- HTML -----------------------------------------------------------------------------

#: Elements whose content a reader does not see as the article.
_HIDDEN = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "head",
     "svg", "iframe", "form", "button", "select"}
)
_BLOCKS = frozenset(
    {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th",
     "table", "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl",
     "figcaption", "figure", "hr", "address", "time"}
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)


#: class/id words of navigation elements: breadcrumbs, menus, nav bars.
_NAV_ATTR = re.compile(r"(?:^|[-_\s])(?:[a-z]*crumbs?|[a-z]*nav(?:s|bar|bars|igation|list|menu)?|[a-z]*menus?(?:bar)?)(?=$|[-_\s\d])", re.I)
#: Separators of a breadcrumb trail: "Home > News > Campus News".
_TRAIL_SEP = re.compile(r"\s+(?:>|»|›|/|\|)\s+")


def _is_nav(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if not value:
            continue
        if name == "role" and value.strip().lower() in ("navigation", "menu", "menubar"):
            return True
        if name in ("class", "id") and _NAV_ATTR.search(value):
            return True
    return False


def _is_trail(line: str) -> bool:
    """A line of short items joined by ">", "/" or "|": a breadcrumb or menu, not
    prose, nor a byline ("Editor: A | Source: B" has colons).

    >>> _is_trail("Home > News & Events > Campus News"), _is_trail("Profit rose 5% in 2024.")
    (True, False)
    """
    items = _TRAIL_SEP.split(line)
    if len(items) < 2 or line.rstrip()[-1:] in ".!?" or ":" in line:
        return False
    if len(items) == 2 and not re.search(r"\s(?:>|»|›)\s", line):
        return False  # "A / B" alone is too weak a sign
    return all(0 < len(item.split()) <= 4 for item in items)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # open hidden elements
        self.h1: list[str] | None = None
        self.h1_text: str | None = None
        self.title: list[str] | None = None
        self.title_text: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "title" and self.title_text is None:
            self.title = []
        if tag == "body" and "head" in self.hidden:
            self.hidden.clear()  # </head> may be left out: <body> ends it
        if tag not in _VOID and (tag in _HIDDEN or (tag != "body" and _is_nav(attrs))):
            self.hidden.append(tag)
        if self.hidden:
            return
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "h1" and self.h1_text is None:
            self.h1 = []

    def handle_startendtag(self, tag, attrs):
        if not self.hidden and tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title" and self.title is not None:
            self.title_text = _squash("".join(self.title))
            self.title = None
        if self.hidden:
            if tag in self.hidden:
                # Close it and anything left open inside it.
                while self.hidden and self.hidden.pop() != tag:
                    pass
            return
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "h1" and self.h1 is not None:
            self.h1_text = _squash("".join(self.h1))
            self.h1 = None

    def handle_data(self, data):
        if self.title is not None:
            self.title.append(data)
        if self.hidden:
            return
        self.parts.append(data)
        if self.h1 is not None:
            self.h1.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page (paragraphs kept) and its headline, if any.

    >>> html_to_text("<html><head><title>T</title><style>p{}</style></head>"
    ...              "<body><nav>Home</nav><h1>Big news</h1><p>One &amp; two.</p>"
    ...              "<script>x()</script><p>Three</p></body></html>")
    ('Big news\\n\\nOne & two.\\n\\nThree', 'Big news')
    """
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    paragraphs = ("".join(parser.parts)).split("\n\n")
    text = "\n\n".join(p for p in (_squash(p) for p in paragraphs) if p and not _is_trail(p))
    return text, parser.h1_text or parser.title_text or None


_META_DATE = re.compile(
    r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|datePublished|"
    r"pubdate|publishdate|date|dc\.date(?:\.issued)?)[\"'][^>]*content=[\"']([^\"']+)",
    re.I,
)


def _from_html(path: Path, html: str) -> Article:
    text, headline = html_to_text(html)
    published = None
    meta = _META_DATE.search(html)
    if meta:
        published = parse_date(meta.group(1))
    return Article(
        id=path.stem,
        text=text,
        title=headline or find_title(text),
        published=published or find_date(text),
        source=str(path),
    )


# --- JSON Lines -----------------------------------------------------------------------

_OPTIONAL = ("title", "url", "published", "publisher")


def _read_jsonl(path: Path, on_problem: ProblemHandler) -> Iterator[Article]:
    try:
        f = path.open("rb")
    except OSError as exc:
        on_problem(f"{path}: cannot read: {exc.strerror or exc}")
        return
    with f:
        number = 0
        # readline with a bound, so an oversized line is skipped without being held.
        while raw := f.readline(MAX_ARTICLE_BYTES + 2):
            number += 1
            where = f"{path}:{number}"
            if len(raw.rstrip(b"\r\n")) > MAX_ARTICLE_BYTES:
                while raw and not raw.endswith(b"\n"):
                    raw = f.readline(1 << 20)
                on_problem(f"{where}: line {_over_limit()}")
                continue
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                obj = json.loads(line)
            except UnicodeDecodeError:
                on_problem(f"{where}: not UTF-8")
                continue
            except json.JSONDecodeError as exc:
                on_problem(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                on_problem(f"{where}: expected a JSON object, got {type(obj).__name__}")
                continue
            article = _from_object(obj, path, where, on_problem)
            if article is not None:
                yield article


def _from_object(obj: dict, path: Path, where: str, on_problem: ProblemHandler) -> Article | None:
    ident = obj.get("id")
    if ident is None or (isinstance(ident, str) and not ident.strip()):
        on_problem(f"{where}: no 'id'")
        return None
    if not isinstance(ident, (str, int)) or isinstance(ident, bool):
        on_problem(f"{where}: 'id' must be a string, got {type(ident).__name__}")
        return None
    text = obj.get("text")
    if text is None and isinstance(obj.get("text_file"), str):
        try:
            text = read_text(path.parent / obj["text_file"])
        except UnreadableFile as exc:
            on_problem(f"{where}: text_file {obj['text_file']}: {exc}")
            return None
    if text is None:
        on_problem(f"{where}: no 'text'")
        return None
    if not isinstance(text, str):
        on_problem(f"{where}: 'text' must be a string, got {type(text).__name__}")
        return None
    if not text.strip():
        on_problem(f"{where}: empty 'text'")
        return None
    fields = {}
    for name in _OPTIONAL:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            on_problem(f"{where}: '{name}' must be a string, got {type(value).__name__}")
            return None
        fields[name] = value or None
    published = fields["published"]
    if published is not None:
        iso = parse_date(published)
        if iso is None:
            on_problem(f"{where}: 'published' is not a date: {published!r}")
            return None
        fields["published"] = iso
    else:
        fields["published"] = find_date(text)
    if fields["title"] is None:
        fields["title"] = find_title(text)
    return Article(id=str(ident), text=text, source=where, **fields)


# --- title and date -------------------------------------------------------------------

#: Longest first line still taken for a headline.
MAX_TITLE = 250


def _ends_in_abbreviation(line: str) -> bool:
    """Does the line end in an abbreviation ("Co., Ltd.", "U.S.") rather than a full stop?"""
    last = line.split()[-1]
    if not last.endswith(".") or last.endswith(".."):
        return False
    stem = last[:-1]
    return "." in stem or stem.lower() in _ABBREVIATIONS


_ABBREVIATIONS = frozenset(
    {"co", "ltd", "inc", "corp", "plc", "llc", "bros", "jr", "sr", "st", "dr", "univ", "dept"}
)


def find_title(text: str) -> str | None:
    """The first line when it reads as a headline, else None.

    A headline is short (at most ``MAX_TITLE`` characters), starts with a
    capital or a digit, does not end like a sentence (. ! ? , ; :, though an
    abbreviation such as "Co., Ltd." may end it), is not a date, and is
    followed by more text.

    >>> find_title("Larkford College Signs Deal With Acme\\n\\nOn May 3, ...")
    'Larkford College Signs Deal With Acme'
    >>> find_title("On May 3, the college signed a deal.\\nIt was sunny.") is None
    True
    """
    stripped = text.lstrip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if not first or not rest.strip() or len(first) > MAX_TITLE:
        return None
    if not (first[0].isupper() or first[0].isdigit()):
        return None
    if first[-1] in ".!?,;:。！？，；：" and not _ends_in_abbreviation(first):
        return None
    if _is_date_line(first):
        return None
    return first


_MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_DATE_FORMS = [
    # 2025-04-27, 2025/4/27, 2025.04.27, 2025-04-27T10:00
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    # 2025年4月27日
    re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
    # July 4, 2025 / Jul. 4th 2025
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    # 4 July 2025 / 4th of July, 2025
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    # 27/04/2025 (day first, as outside the US; read as such only when unambiguous)
    re.compile(r"(?<!\d)(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>(?:19|20)\d{2})(?!\d)"),
]

#: Words that introduce a publication date in a page's header.
_DATE_CUE = re.compile(
    r"\b(?:posted|published|publish(?:ed)?\s*(?:time|date|on)|publication\s+date|release(?:d)?"
    r"(?:\s*(?:time|date|on))?|updated?(?:\s*(?:time|date|on))?|last\s+modified|issued|"
    r"date|time|发布(?:时间|日期)?|日期|时间)\s*(?:on|at)?\s*[:：]?\s*",
    re.I,
)
#: What may stand beside a date on a line that is only a date: weekday, time, brackets.
_DATE_LINE_REST = re.compile(
    r"[\s()\[\],|·/-]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day[\s,]*)?"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?[\s()\[\],|·/-]*",
    re.I,
)
#: A news dateline's place: "SHENZHEN, " or "EASTMERE, Lanhai, " before the date.
_DATELINE_PLACE = re.compile(r"[A-Z][A-Z.' -]*[A-Z.](?:,\s*[A-Z][A-Za-z.' -]*)?,\s*")
_DATELINE_DASH = re.compile(r"\s*(?:[—–-]{1,2}|\(\w+\)\s*[—–-])")

#: Non-empty lines at the top of an article searched for its date.
HEADER_LINES = 8


def _parse_date(text: str) -> tuple[date, int, int] | None:
    """The first date in ``text``: (date, start, end), else None."""
    best = None
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            month = m.group("month")
            month_no = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
            try:
                found = date(int(m.group("year")), month_no or 0, int(m.group("day")))
            except ValueError:
                continue
            if best is None or m.start() < best[1]:
                best = (found, m.start(), m.end())
            break
    return best


def find_date(text: str) -> str | None:
    """The publication date an article states near its top, as ``yyyy-mm-dd``.

    Looks in the first few lines for a date after a cue ("Posted on", "Update:",
    "Publish Time:", "Published", "Date"), in a dateline ("SHENZHEN, May 2,
    2025 — ...") or on a line that is only a date. Dates
    inside the story's sentences ("On July 1, the college ...") are event dates,
    not publication dates, and are ignored.

    >>> find_date("Title\\n\\nPosted on July 4, 2025 by A. Writer\\n\\nOn July 1, ...")
    '2025-07-04'
    >>> find_date("Publish Time:2020-08-11     Source: X")
    '2020-08-11'
    >>> find_date("On 1st of March, 2022, the bureau held a meeting.") is None
    True
    """
    lines = [line.strip() for line in text.split("\n", 64)[:64] if line.strip()]
    for line in lines[:HEADER_LINES]:
        for cue in _DATE_CUE.finditer(line):
            found = _parse_date(line[cue.end() : cue.end() + 40])
            if found and found[1] == 0:
                return found[0].isoformat()
        place = _DATELINE_PLACE.match(line)
        if place:
            found = _parse_date(line[place.end() : place.end() + 40])
            if found and found[1] == 0 and _DATELINE_DASH.match(line, place.end() + found[2]):
                return found[0].isoformat()
        if _is_date_line(line):
            return parse_date(line)
    return None


def _is_date_line(line: str) -> bool:
    found = _parse_date(line)
    if found is None:
        return False
    _, start, end = found
    return bool(_DATE_LINE_REST.fullmatch(line[:start] + " " + line[end:]))


def parse_date(text: str) -> str | None:
    """The first date written anywhere in ``text``, as ``yyyy-mm-dd``.

    >>> parse_date("2025-07-04T08:00:00Z"), parse_date("4th of July, 2025")
    ('2025-07-04', '2025-07-04')
    """
    found = _parse_date(text)
    return found[0].isoformat() if found else None
