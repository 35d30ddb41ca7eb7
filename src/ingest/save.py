"""Write an article's accepted drafts: its source row, any new places and the claims, all in
one conflict-checked, atomic ``store.save_many``; or nothing, with every problem listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from src.ingest.proposal import Article, Candidate, DraftClaim


@dataclass
class SaveResult:
    """What a save wrote."""

    source_id: str
    event_ids: list[str]
    place_ids: list[str]
    files: list[Path] = field(default_factory=list)


class IngestError(ValueError):
    """The drafts would not validate; ``problems`` lists them as ``file:line: field: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def data_version(data_dir: Path) -> str:
    """The version of the files a save changes, as the page remembers it when it loads."""
    raise NotImplementedError


def save_article(
    data_dir: Path,
    article: Article,
    claims: list[DraftClaim],
    new_places: list[Candidate],
    expected_version: str | None,
) -> SaveResult:
    """Write the source, ``new_places`` and ``claims``; ``store.ConflictError`` if the files
    changed since ``expected_version`` (None: whatever is on disk now)."""
    raise NotImplementedError
