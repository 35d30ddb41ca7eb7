"""An import file's bytes as rows of text with their line numbers, whatever its encoding,
delimiter, line ends or HXL row; damaged records become problems, never data.

Datasets arrive as their publishers wrote them: UTF-8 with or without a byte-order mark,
UTF-16 from spreadsheet "Unicode text" exports, Latin-1/CP1252 from older ACLED files;
commas, semicolons or tabs; CRLF; a second row of HXL hashtags (HDX); empty trailing header
columns; a last record cut off mid-way. Each is recognised here once, so the format mappers
only ever see clean ``{column: text}`` records.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from src.csvio import FIELD_SIZE_LIMIT, Problem

__all__ = ["Record", "Table", "decode", "read_table", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t", "|")
#: Bytes 0x80-0x9F are printable in CP1252 but control characters in Latin-1.
_CP1252_ONLY = bytes(range(0x80, 0xA0))


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read as.

    A byte-order mark decides; else NUL bytes in every other position mean UTF-16; else
    strict UTF-8; else CP1252 when bytes 0x80-0x9F occur (and decode), else Latin-1 (which
    decodes anything, so nothing is ever refused for its encoding alone).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if any(b in _CP1252_ONLY for b in data):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the candidate found most often outside quotes."""
    first = text.split("\n", 1)[0]
    unquoted = "".join(part for i, part in enumerate(first.split('"')) if i % 2 == 0)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Record:
    """One data row: the line it starts on and its cells by (header) column name."""

    line: int
    cells: dict[str, str]
    #: The row's text as read (re-written with the file's delimiter), for the skipped CSV.
    raw: list[str]


@dataclass
class Table:
    """A delimited file read as text."""

    name: str
    encoding: str
    delimiter: str
    header: list[str]
    records: list[Record]
    problems: list[Problem] = field(default_factory=list)
    #: The HXL hashtag row (HDX, UCDP portal), if the file has one.
    hxl: list[str] | None = None
    #: Trailing header columns without a name, dropped (ACLED v6 realtime files have them).
    dropped_blank_columns: int = 0
    crlf: bool = False
    #: Records that could not be read as rows (truncated, too many fields), by line.
    bad_rows: dict[int, list[str]] = field(default_factory=dict)


def _is_hxl(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def read_table(data: bytes, name: str) -> Table:
    """Parse ``data`` (the file named ``name``) into records; see the module docstring."""
    text, encoding = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    table = Table(name, encoding, delimiter, [], [], crlf="\r\n" in text[:10000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    width = 0
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not table.header:
                header = [h.strip() for h in row]
                while header and not header[-1]:
                    header.pop()
                    table.dropped_blank_columns += 1
                table.header, width = header, len(header)
                continue
            if not (row and row[0].strip()) and not any(cell.strip() for cell in row):
                continue  # blank (a first cell with text settles it at once)
            if table.hxl is None and not table.records and _is_hxl(row):
                table.hxl = row[:width]
                continue
            if len(row) > width and not any(c.strip() for c in row[width:]):
                row = row[:width]
            if len(row) != width:
                what = "truncated record" if len(row) < width else "too many fields"
                table.problems.append(
                    Problem(name, line, "-", f"{what}: {len(row)} fields, the header has {width}")
                )
                table.bad_rows[line] = row
                continue
            cells = dict(zip(table.header, map(str.strip, row), strict=True))
            table.records.append(Record(line, cells, row))
    except csv.Error as exc:
        table.problems.append(Problem(name, reader.line_num, "-", f"malformed CSV: {exc}"))
    if not table.header:
        table.problems.append(Problem(name, 1, "-", "file is empty (no header row)"))
    return table
