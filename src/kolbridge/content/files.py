"""Uploaded files are judged by their bytes, not their names: a "PDF" must start like a PDF
and end like one. Each accepted file gets its size and SHA-256 checksum."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from kolbridge.content.models import ContentKind
from kolbridge.core.errors import Invalid

PDF = "application/pdf"
PNG, JPEG, GIF, WEBP = "image/png", "image/jpeg", "image/gif", "image/webp"
MP4, QUICKTIME, WEBM = "video/mp4", "video/quicktime", "video/webm"
IMAGES = frozenset({PNG, JPEG, GIF, WEBP})

ACCEPTED_BY_KIND: dict[str, frozenset[str]] = {
    ContentKind.DECK: frozenset({PDF}),
    ContentKind.REPRINT: frozenset({PDF}),
    ContentKind.VIDEO: frozenset({MP4, QUICKTIME, WEBM}),
    ContentKind.INFOGRAPHIC: IMAGES,
    ContentKind.FAQ: frozenset(),
}
LABELS = {
    PDF: "PDF",
    PNG: "PNG image",
    JPEG: "JPEG image",
    GIF: "GIF image",
    WEBP: "WebP image",
    MP4: "MP4 video",
    QUICKTIME: "QuickTime video",
    WEBM: "WebM video",
}
EXTENSIONS = {
    PDF: ".pdf",
    PNG: ".png",
    JPEG: ".jpg",
    GIF: ".gif",
    WEBP: ".webp",
    MP4: ".mp4",
    QUICKTIME: ".mov",
    WEBM: ".webm",
}


# ISO media files that are still images (HEIC, AVIF) or audio (M4A), not videos.
NOT_VIDEO_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis", b"M4A "}
)


@dataclass(frozen=True)
class FileFacts:
    mime: str
    size: int
    sha256: str


def sniff(head: bytes, tail: bytes) -> str | None:
    """The type the first and last bytes of a file prove, or None."""
    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in NOT_VIDEO_BRANDS:
            return None
        return QUICKTIME if brand == b"qt  " else MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    return None


def inspect_upload(
    upload: UploadedFile, accepted: frozenset[str], field: str = "file"
) -> FileFacts:
    """Check an upload's size and bytes; answer its type, size and checksum."""
    limit = settings.CONTENT_MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size == 0:
        raise Invalid({field: ["The file is empty."]})
    if size > limit:
        raise Invalid({field: [f"The file is {_mb(size)}; the limit is {_mb(limit)}."]})
    digest = hashlib.sha256()
    upload.seek(0)
    head = b""
    for chunk in upload.chunks():
        if len(head) < 64:
            head += chunk[: 64 - len(head)]
        digest.update(chunk)
    upload.seek(max(size - 1024, 0))
    tail = upload.read(1024)
    upload.seek(0)
    mime = sniff(head, tail)
    wanted = " or ".join(sorted(LABELS[m] for m in accepted)) or "no file"
    if mime is None:
        if head.startswith(b"%PDF-"):
            raise Invalid(
                {field: [f"“{upload.name}” starts like a PDF but is cut short (no end marker)."]}
            )
        if _is_text(head):
            raise Invalid(
                {field: [f"“{upload.name}” is plain text by its content; this needs {wanted}."]}
            )
        raise Invalid(
            {field: [f"“{upload.name}” is not a file type we accept here (expected {wanted})."]}
        )
    if mime not in accepted:
        raise Invalid(
            {field: [f"“{upload.name}” is a {LABELS[mime]} by its content; this needs {wanted}."]}
        )
    return FileFacts(mime, size, digest.hexdigest())


def _is_text(head: bytes) -> bool:
    """Whether the first bytes read as printable UTF-8 (a cut multi-byte character at the end of
    the sample is not held against it)."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return bool(text) and all(c.isprintable() or c in "\r\n\t" for c in text)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
