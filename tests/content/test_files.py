"""Uploads are judged by their bytes, not their names, against the size limit, and stored
through Django's default storage under a name the app chooses."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kolbridge.content import files
from kolbridge.content.models import ContentItem, ItemVersion
from kolbridge.content.services import Classification, item_create
from kolbridge.core.errors import Invalid
from tests.content.conftest import PDF_BYTES, PNG_BYTES, pdf, png

MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM_BYTES = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64 + b"\xff\xd9"
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def classification(**extra):
    return Classification(
        therapeutic_area="ONC",
        products=["Zentorix"],
        expires_on=timezone.localdate() + timedelta(days=365),
        **extra,
    )


def create(actor, kind, file, title="Zentorix deck"):
    return item_create(
        actor=actor, kind=kind, title=title, classification=classification(), upload=file
    )


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


# ---- sniffing by bytes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,expected",
    [
        (PDF_BYTES, files.PDF),
        (PNG_BYTES, files.PNG),
        (JPEG_BYTES, files.JPEG),
        (b"GIF89a" + b"\x00" * 20, files.GIF),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", files.WEBP),
        (MP4_BYTES, files.MP4),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", files.QUICKTIME),
        (WEBM_BYTES, files.WEBM),
    ],
)
def test_file_type_is_read_from_the_first_and_last_bytes(data, expected):
    assert files.sniff(data[:64], data[-1024:]) == expected


def test_a_still_image_in_an_iso_media_box_is_not_taken_for_a_video():
    assert files.sniff(HEIC_BYTES[:64], HEIC_BYTES[-1024:]) is None


def test_a_pdf_without_its_end_marker_is_not_a_pdf():
    cut = PDF_BYTES.replace(b"%%EOF", b"")
    assert files.sniff(cut[:64], cut[-1024:]) is None


@pytest.mark.django_db
def test_inspecting_an_upload_answers_its_type_size_and_checksum():
    facts = files.inspect_upload(pdf(), files.ACCEPTED_BY_KIND["deck"])
    assert facts == files.FileFacts(
        files.PDF, len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest()
    )


# ---- refusals -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_text_file_named_pdf_is_refused_saying_it_is_plain_text(lead, media_root):
    with pytest.raises(Invalid) as refused:
        create(lead, "deck", upload("notes.pdf", b"Meeting notes, not a PDF.\n", "application/pdf"))
    assert refused.value.errors == {
        "file": ["“notes.pdf” is plain text by its content; this needs PDF."]
    }
    assert ContentItem.objects.count() == 0
    assert ItemVersion.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_png_uploaded_as_a_deck_is_refused_naming_what_it_is(lead, media_root):
    with pytest.raises(Invalid) as refused:
        create(lead, "deck", upload("slides.pdf", PNG_BYTES, "application/pdf"))
    [message] = refused.value.errors["file"]
    assert "is a PNG image by its content" in message
    assert "needs PDF" in message
    assert ContentItem.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_pdf_cut_short_is_refused_as_incomplete(lead):
    with pytest.raises(Invalid, match="cut short"):
        create(lead, "reprint", pdf(data=PDF_BYTES.replace(b"%%EOF", b"")))


@pytest.mark.django_db
def test_unknown_binary_bytes_are_refused_naming_the_expected_kind(lead):
    with pytest.raises(Invalid) as refused:
        create(lead, "video", upload("clip.mp4", b"\x00\x01\x02\x03" * 40))
    [message] = refused.value.errors["file"]
    assert "not a file type we accept here" in message
    assert "MP4 video" in message and "WebM video" in message


@pytest.mark.django_db
def test_an_image_uploaded_as_a_video_is_refused(lead):
    with pytest.raises(Invalid, match="is a PNG image by its content"):
        create(lead, "video", upload("clip.mp4", PNG_BYTES, "video/mp4"))


@pytest.mark.django_db
def test_an_empty_file_is_refused(lead, media_root):
    with pytest.raises(Invalid) as refused:
        create(lead, "deck", upload("empty.pdf", b"", "application/pdf"))
    assert refused.value.errors == {"file": ["The file is empty."]}
    assert ContentItem.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(lead, settings, media_root):
    settings.CONTENT_MAX_UPLOAD_BYTES = 64
    with pytest.raises(Invalid) as refused:
        create(lead, "deck", pdf())
    [message] = refused.value.errors["file"]
    assert "the limit is 0.0 MB" in message
    assert ContentItem.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_file_exactly_at_the_size_limit_is_accepted(lead, settings):
    settings.CONTENT_MAX_UPLOAD_BYTES = len(PDF_BYTES)
    item = create(lead, "deck", pdf())
    assert item.current_version.file_size == len(PDF_BYTES)


def test_the_default_size_limit_is_100_mb():
    from kolbridge import settings as product_settings

    assert product_settings.CONTENT_MAX_UPLOAD_BYTES == 100 * 2**20


@pytest.mark.django_db
def test_a_figure_module_refuses_a_pdf_as_its_image(lead):
    from kolbridge.content.services import module_create

    with pytest.raises(Invalid) as refused:
        module_create(
            actor=lead,
            kind="figure",
            therapeutic_area="ONC",
            title="Kaplan-Meier curve",
            text="Overall survival by arm.",
            figure=pdf("curve.png"),
        )
    assert "is a PDF by its content" in refused.value.errors["figure"][0]


# ---- storage --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_accepted_file_is_stored_through_the_default_storage_under_a_generated_name(
    lead, media_root
):
    item = create(lead, "deck", pdf("../../etc/My Deck (final).pdf"))
    version = item.current_version
    assert version.file_name == "My Deck (final).pdf"
    stored = version.file.name
    assert stored.startswith(f"content/items/{item.pk}/")
    assert stored.endswith(".pdf")
    assert "Deck" not in stored and ".." not in stored
    assert default_storage.exists(stored)
    path = media_root / stored
    assert path.is_file()
    assert path.read_bytes() == PDF_BYTES
    assert stored_files(media_root) == [path]


@pytest.mark.django_db
def test_the_stored_extension_follows_the_bytes_not_the_uploaded_name(lead, media_root):
    item = create(lead, "infographic", upload("poster.gif", JPEG_BYTES, "image/gif"))
    version = item.current_version
    assert version.file_mime == files.JPEG
    assert version.file.name.endswith(".jpg")


@pytest.mark.django_db
def test_two_uploads_with_the_same_name_are_kept_apart(lead):
    first = create(lead, "deck", pdf("deck.pdf"), title="First")
    second = create(lead, "deck", pdf("deck.pdf"), title="Second")
    assert first.current_version.file.name != second.current_version.file.name


@pytest.mark.django_db
def test_a_figure_image_is_stored_with_its_checksum(lead, media_root):
    from kolbridge.content.services import module_create

    module = module_create(
        actor=lead,
        kind="figure",
        therapeutic_area="ONC",
        title="Kaplan-Meier curve",
        text="Overall survival by arm.",
        figure=png(),
    )
    mv = module.latest_version
    assert mv.figure_mime == files.PNG
    assert mv.figure_sha256 == hashlib.sha256(PNG_BYTES).hexdigest()
    assert mv.figure.name.startswith(f"content/modules/{module.pk}/")
    assert (media_root / mv.figure.name).read_bytes() == PNG_BYTES
