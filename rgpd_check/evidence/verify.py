"""``rgpd-check verify``: is a bundle intact and complete?

Checks the manifest status, every listed file's size and SHA-256, files present but not
listed, and the WARC record digests. A vendor contesting a report months later can run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rgpd_check.evidence.bundle import HTTP_WARC, MANIFEST, Bundle, _bundle_files, sha256_file
from rgpd_check.evidence.warc import check_digests


@dataclass
class VerifyResult:
    """``problems`` empty means intact and complete."""

    root: Path
    status: str
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(audit_dir: Path) -> VerifyResult:
    """Check one bundle; raises BundleError only when there is no bundle at all."""
    bundle = Bundle.open(audit_dir)
    status = str(bundle.manifest.get("status"))
    result = VerifyResult(root=bundle.root, status=status)
    if status != "complete":
        result.problems.append(
            f"{MANIFEST}: collecte inachevée / incomplete collection (status: {status})"
        )
    listed = bundle.manifest.get("files") or []
    listed_paths = set()
    for entry in listed:
        path = bundle.root / str(entry.get("path"))
        listed_paths.add(str(entry.get("path")))
        result.files_checked += 1
        if not path.is_file():
            result.problems.append(f"{entry.get('path')}: fichier manquant / missing file")
            continue
        if path.stat().st_size != entry.get("size"):
            result.problems.append(f"{entry.get('path')}: taille modifiée / size changed")
        if sha256_file(path) != entry.get("sha256"):
            result.problems.append(
                f"{entry.get('path')}: SHA-256 différent / hash mismatch (modified)"
            )
    if status == "complete":
        for extra in sorted(set(_bundle_files(bundle.root)) - listed_paths):
            result.problems.append(f"{extra}: fichier non listé / file not in manifest")
    warc = bundle.root / HTTP_WARC
    if warc.exists():
        result.problems.extend(check_digests(warc))
    return result
