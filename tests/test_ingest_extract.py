"""Reading an article: plain text, Markdown, saved HTML (offline), hostile input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from src.ingest.extract import clean_text, extract, sentences
from src.ingest.proposal import read_article

HTML = b"""<!DOCTYPE html><html><head><title>Exodus continues | Caucasus Daily</title>
<meta property="og:site_name" content="Caucasus Daily">
<meta property="article:published_time" content="2023-09-28T10:00:00Z">
<script>alert("never run")</script></head>
<body><nav>Home | World | Sport</nav>
<article><h1>Exodus continues</h1>
<p>More than 50,000 people have crossed into Armenia since Sunday, the government in Yerevan
said on Wednesday, as long queues of cars formed on the road through the Lachin corridor.</p>
<p>Officials in Goris said reception centres were full and more buses were on their way from
the capital to carry families onward to shelters across the country.</p>
<p>The International Committee of the Red Cross said it had evacuated wounded people from
Stepanakert to hospitals in Armenia during the night.</p>
</article><footer>Copyright Caucasus Daily</footer></body></html>"""


def test_html_body_headline_date_and_outlet() -> None:
    found = extract(HTML, "page.html")
    assert found.headline == "Exodus continues"
    assert found.outlet == "Caucasus Daily"
    assert found.published == date(2023, 9, 28)
    assert "50,000 people" in found.text
    assert "alert" not in found.text
    assert "Home | World" not in found.text


def test_plain_text_first_short_line_is_the_headline() -> None:
    found = extract(b"Fighting flares\n\nAzerbaijan said on Tuesday it had begun.", "a.txt")
    assert found.headline == "Fighting flares"
    assert found.published is None


def test_markdown_marks_are_dropped() -> None:
    found = extract(b"# Big **news**\n\nSee [the report](http://x.example) on *Tuesday*.", "a.md")
    assert found.headline == "Big news"
    assert "the report on Tuesday" in found.text
    assert "http" not in found.text


def test_read_article_given_fields_win(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(HTML)
    article = read_article(path, "page.html", date(2023, 9, 29), "Other outlet", "Own headline")
    assert (article.published, article.outlet, article.headline) == (
        date(2023, 9, 29),
        "Other outlet",
        "Own headline",
    )
    assert article.source_file == "page.html"


def test_read_article_needs_a_date() -> None:
    with pytest.raises(ValueError, match="published"):
        read_article(b"No date in here.", "a.txt", None, None, None)


def test_hostile_text_is_cleaned_not_run() -> None:
    text = "A\x00B\x07C\u2028D\ufeff <img src=x onerror=alert(1)> Ω ə ğ 🙂 \u202eevil"
    cleaned = clean_text(text)
    assert "\x00" not in cleaned
    assert "\x07" not in cleaned
    assert "\u2028" not in cleaned
    assert "ə ğ 🙂" in cleaned  # any other Unicode is kept as written
    found = extract(text.encode("utf-8"), "x.txt")
    assert "\x00" not in found.text


def test_undecodable_bytes_do_not_fail() -> None:
    found = extract(b"Caf\xe9 in Goris on Tuesday.", "a.txt")
    assert "Goris" in found.text


def test_sentences_and_offsets() -> None:
    text = "Mr. Aliyev spoke. “We won,” he said! Then U.S. officials left.\n\nNew paragraph"
    spans = sentences(text)
    assert [s.text for s in spans] == [
        "Mr. Aliyev spoke.",
        "“We won,” he said!",
        "Then U.S. officials left.",
        "New paragraph",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)
