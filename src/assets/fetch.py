"""Fetch the pinned packages with the npm client and unpack only what the map needs.

Why npm: it is the one package registry the deployment can reach, ``npm pack``
downloads a tarball without creating ``node_modules`` or running package scripts,
and its tarballs carry a sha512 we pin in :mod:`.manifest`.  Extraction is done in
Python (no ``tar`` CLI, no ``extractall``) so a hostile archive cannot write
outside the destination.  The result is swapped in atomically and a stamp file
makes reruns free.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import manifest

STAMP_NAME = ".manifest-version"
FALLBACK_HINT = "the map will load its assets from CDNs instead"


class FetchError(RuntimeError):
    """Fetching failed; ``str(err)`` is a one-line message fit for the terminal."""


class UnsafeArchiveError(FetchError):
    """A tarball member would land outside the destination (or is not a file)."""


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch` did."""

    dest: Path
    skipped: bool
    """True when the stamp already matched and nothing was downloaded."""
    files: int


def sri_sha512(data: bytes) -> str:
    """Subresource-integrity string, the format npm uses for ``integrity``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def is_current(dest: Path) -> bool:
    """True if ``dest`` holds a complete fetch of the current manifest."""
    stamp = dest / STAMP_NAME
    if not stamp.is_file() or stamp.read_text().strip() != manifest.manifest_version():
        return False
    return all((dest / rel).is_file() for rel in expected_files())


def expected_files() -> list[str]:
    """Every path (relative to ``dest``) a complete fetch produces."""
    paths = [f"{p.local_dir}/{f}" for p in manifest.PACKAGES for f in p.files]
    return paths + list(manifest.generated_files()) + list(manifest.derived_files())


def _safe_relpath(name: str) -> PurePosixPath:
    """Validate a path taken from an archive; reject absolute paths and ``..``."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or "\\" in name or ".." in path.parts:
        raise UnsafeArchiveError(f"unsafe path in archive: {name!r}")
    return path


def extract_files(tarball: Path, wanted: Iterable[str], out_dir: Path) -> list[Path]:
    """Copy ``wanted`` files (paths below the tarball's top folder) into ``out_dir``.

    npm tarballs wrap everything in one top folder (usually ``package/``), which is
    stripped.  Every member name is validated, even unwanted ones: an archive
    containing traversal paths is not trusted at all.  Links and other non-regular
    members are never written.
    """
    wanted_set = {str(_safe_relpath(w)) for w in wanted}
    written: list[Path] = []
    with tarfile.open(tarball, "r:*") as tar:
        for member in tar.getmembers():
            parts = _safe_relpath(member.name).parts
            if member.issym() or member.islnk():
                _safe_relpath(member.linkname)
            rel = "/".join(parts[1:])
            if rel not in wanted_set:
                continue
            if not member.isfile():
                raise UnsafeArchiveError(f"not a regular file in archive: {member.name!r}")
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - isfile() members always have data
                raise UnsafeArchiveError(f"unreadable member: {member.name!r}")
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
            written.append(target)
            wanted_set.discard(rel)
    if wanted_set:
        raise FetchError(f"{tarball.name} lacks {', '.join(sorted(wanted_set))}")
    return written


_NPM_ERROR = re.compile(r"^npm (?:ERR!|error) (?P<text>.+)$", re.MULTILINE)


def _npm_error_summary(stderr: str) -> str:
    """Shorten npm's multi-line error dump to ``CODE: first message`` (one line)."""
    code, message = "", ""
    for match in _NPM_ERROR.finditer(stderr):
        text = match["text"].strip()
        if text.startswith("code ") and not code:
            code = text[5:]
        elif not message and not text.startswith(("syscall ", "errno ", "at ", "A complete log")):
            message = text
    return ": ".join(part for part in (code, message[:160]) if part)


def npm_pack(npm: str, spec: str, workdir: Path, timeout: float) -> tuple[Path, str | None]:
    """Download ``spec`` with ``npm pack`` into ``workdir``.

    Returns the tarball path and the integrity npm reported (if it printed JSON).
    """
    cmd = [npm, "pack", spec, "--json", "--ignore-scripts", "--pack-destination", str(workdir)]
    try:
        proc = subprocess.run(
            cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as err:
        raise FetchError(f"npm not found ({npm}); {FALLBACK_HINT}") from err
    except subprocess.TimeoutExpired as err:
        raise FetchError(
            f"npm pack {spec} timed out after {timeout:.0f}s (registry unreachable?); "
            f"{FALLBACK_HINT}"
        ) from err
    if proc.returncode != 0:
        detail = _npm_error_summary(proc.stderr) or f"exit code {proc.returncode}"
        raise FetchError(
            f"npm pack {spec} failed (registry unreachable?): {detail}; {FALLBACK_HINT}"
        )
    reported: str | None = None
    filename: str | None = None
    try:
        info = json.loads(proc.stdout)[0]
        reported, filename = info.get("integrity"), info.get("filename")
    except (ValueError, LookupError, AttributeError):
        pass
    tarballs = [workdir / filename] if filename else sorted(workdir.glob("*.tgz"))
    if len(tarballs) != 1 or not tarballs[0].is_file():
        raise FetchError(f"npm pack {spec} produced no single tarball; {FALLBACK_HINT}")
    return tarballs[0], reported


def _fetch_package(npm: str, pkg: manifest.Package, tmp: Path, out: Path, timeout: float) -> int:
    """Download, verify and extract one package; returns the number of files."""
    workdir = Path(tempfile.mkdtemp(prefix="pack-", dir=tmp))
    tarball, reported = npm_pack(npm, pkg.spec, workdir, timeout)
    actual = sri_sha512(tarball.read_bytes())
    if actual != pkg.integrity or (reported is not None and reported != pkg.integrity):
        raise FetchError(
            f"integrity mismatch for {pkg.spec}: pinned {pkg.integrity[:20]}..., "
            f"got {actual[:20]}...; refusing to install it"
        )
    written = extract_files(tarball, pkg.files, out / pkg.local_dir)
    shutil.rmtree(workdir)
    return len(written)


def _swap_in(staged: Path, dest: Path) -> None:
    """Replace ``dest`` by ``staged`` with renames on the same filesystem."""
    old: Path | None = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    try:
        os.replace(staged, dest)
    except OSError:
        if old is not None:
            os.replace(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def fetch(
    dest: Path,
    *,
    npm: str | None = None,
    force: bool = False,
    timeout: float = 300.0,
) -> FetchResult:
    """Populate ``dest`` with every pinned file, unless it is already current.

    Everything is built in a sibling temp folder and renamed into place only
    when all packages verified, so a failed or interrupted run never leaves a
    half-filled ``dest`` that :mod:`.localize` would partly trust.
    """
    if not force and is_current(dest):
        return FetchResult(dest, skipped=True, files=len(expected_files()))
    npm_path = npm or shutil.which("npm")
    if npm_path is None:
        raise FetchError(f"npm not found on PATH; {FALLBACK_HINT}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        staged = tmp / "out"
        staged.mkdir()
        count = 0
        for pkg in manifest.PACKAGES:
            count += _fetch_package(npm_path, pkg, tmp, staged, timeout)
        for rel, text in manifest.generated_files().items():
            target = staged / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            count += 1
        try:  # after every package verified: a cut of checked files only
            derived = manifest.derive(staged)
        except (ValueError, LookupError, TypeError, OSError) as err:
            raise FetchError(f"could not cut the offline basemap: {err}") from err
        for rel, text in derived.items():
            target = staged / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            count += 1
        (staged / STAMP_NAME).write_text(manifest.manifest_version() + "\n")
        _swap_in(staged, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return FetchResult(dest, skipped=False, files=count)


def status(dest: Path) -> list[tuple[str, str, str]]:
    """``(asset name, local path, state)`` for every manifest asset.

    ``state`` is ``present``, ``missing`` or ``dropped``.
    """
    rows: list[tuple[str, str, str]] = []
    for asset in manifest.ASSETS:
        rel = manifest.local_path(asset)
        if rel is None:
            rows.append((asset.name, "-", "dropped"))
        else:
            rows.append((asset.name, rel, "present" if (dest / rel).is_file() else "missing"))
    return rows
