"""The public share viewer: what a KOL sees behind a share link, without signing in.

The token in the address is the only authority, so these are the only pages the sign-in
middleware lets through (``/s/`` in ``core.middleware.PUBLIC_PREFIXES``). Every GET of the page
records an open, with or without script; the page's small script (``content/viewer.js``)
reports the seconds spent on each module as beacons; downloads go through a view that records
them. An unknown token answers a neutral 404 that does not say whether it ever existed; a
revoked or expired link, or one whose material was withdrawn or has expired, answers 410 with
a neutral page that names whom to contact and shows none of the material.

No answer here is kept by browsers or proxies, none is indexed, and no address leaves the page
in a Referer header: the token is in every address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kolbridge.content import selectors, services
from kolbridge.content.models import ContentKind, ModuleKind, ModuleVersion, SharedModule, ShareLink
from kolbridge.content.references import format_reference, reference_url
from kolbridge.core.errors import Invalid

# The token is in the address of every viewer response: keep it out of caches, search engines
# and the Referer header of links the reader follows (PubMed, doi.org).
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}
# Everything the page uses comes from this site; the script is a file (no inline script), the
# PDFs are embedded from the file view below, nothing may frame the page and no form posts.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "media-src 'self'; object-src 'self'; frame-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Files are shown inside the viewer page (a PDF in an <object>), so only this site may frame
# them.
FILE_POLICY = "default-src 'none'; frame-ancestors 'self'"
# A beacon carries a few modules' seconds; viewer.js sends a handful of events per report.
BEACON_MAX_BYTES = 16 * 1024
# Row ids are 64-bit; a larger "open" cannot be one and must not reach the database.
MAX_ID = 2**63

# What an approved version shows never changes, so it is kept between requests (by version):
# the page then only asks the database whether the link may still be shown, and records the
# open.
MATERIAL_CACHE_SECONDS = 60 * 60

R = TypeVar("R", bound=HttpResponseBase)

FILE_KINDS = {"application/pdf": "pdf", "image": "image", "video": "video"}


@dataclass(frozen=True)
class ShownReference:
    label: str
    url: str


@dataclass(frozen=True)
class ShownModule:
    """A module as the reader sees it: claims with their references, figures with their
    image."""

    version_id: int
    title: str
    kind: str
    kind_label: str
    text: str
    references: tuple[ShownReference, ...]
    figure: str = ""  # where the storage keeps the image
    figure_mime: str = ""


@dataclass(frozen=True)
class ShownFile:
    kind: str  # pdf, image or video
    stored: str  # where the storage keeps it
    name: str
    mime: str
    size: int | None


@dataclass(frozen=True)
class ShownMaterial:
    """What one place of a link shows (a whole item, or one module of it): the same for every
    link that carries these versions."""

    title: str
    kind_label: str
    # One module shared on its own: ``source`` names the item it comes from.
    single_module: bool = False
    source: str = ""
    summary: str = ""
    body: SafeString | str = ""
    modules: tuple[ShownModule, ...] = ()
    file: ShownFile | None = None

    def figure(self, module_version_id: int) -> ShownModule | None:
        return next(
            (m for m in self.modules if m.version_id == module_version_id and m.figure), None
        )


@dataclass(frozen=True)
class ShownSection:
    """One place of the link, tracked as one position."""

    position: int
    material: ShownMaterial


def _private(response: R) -> R:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def _page(template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A standalone page: it needs nothing of the request, so none of the app's context
    processors run for it (they serve the signed-in layout)."""
    response = HttpResponse(render_to_string(template, context), status=status)
    response["Content-Security-Policy"] = PAGE_POLICY
    return _private(response)


def _contact(link: ShareLink | None) -> dict[str, str]:
    msl = ""
    if link is not None:
        msl = link.created_by.get_full_name() or link.created_by.username
    return {"msl_name": msl, "medical_information": settings.MEDICAL_INFORMATION_CONTACT}


def _not_found() -> HttpResponse:
    """The same page whether the token never existed, was mistyped or was tampered with."""
    return _page("content/viewer/not_found.html", _contact(None), status=404)


def _gone(link: ShareLink | None) -> HttpResponse:
    """Neutral: it says neither why (revoked, expired, withdrawn) nor what the material was."""
    return _page("content/viewer/gone.html", _contact(link), status=410)


def _module(mv: ModuleVersion) -> ShownModule:
    return ShownModule(
        version_id=mv.pk,
        title=mv.title,
        kind=mv.module.kind,
        kind_label=ModuleKind(mv.module.kind).label,
        text=mv.text,
        references=tuple(
            ShownReference(format_reference(r), reference_url(r)) for r in mv.references
        ),
        figure=mv.figure.name or "",
        figure_mime=mv.figure_mime,
    )


def _file_kind(mime: str) -> str:
    return FILE_KINDS.get(mime) or FILE_KINDS.get(mime.split("/", 1)[0], "")


def _material(shared: SharedModule) -> ShownMaterial:
    version = shared.item_version
    if shared.module_version is not None:
        module = _module(shared.module_version)
        return ShownMaterial(
            title=module.title,
            kind_label=module.kind_label,
            single_module=True,
            source=version.title,
            modules=(module,),
        )
    kind = _file_kind(version.file_mime) if version.file else ""
    return ShownMaterial(
        title=version.title,
        kind_label=ContentKind(shared.item.kind).label,
        summary=version.summary,
        # Standard responses are stored sanitised by nh3 (content.richtext): only a small set
        # of harmless tags and attributes survives.
        body=mark_safe(version.body) if version.body else "",  # noqa: S308
        modules=tuple(_module(link.module_version) for link in version.module_links.all()),
        file=ShownFile(
            kind=kind,
            stored=version.file.name or "",
            name=version.file_name or PurePosixPath(version.file.name or "").name,
            mime=version.file_mime,
            size=version.file_size,
        )
        if kind
        else None,
    )


def _material_key(shared: SharedModule) -> str:
    # The approval time tells two versions apart even where a test database reuses ids.
    approved = shared.item_version.approved_at
    return (
        f"content.viewer:{shared.item_version_id}:{shared.module_version_id or 0}:"
        f"{approved.timestamp() if approved else ''}"
    )


def _sections(modules: list[SharedModule]) -> list[ShownSection]:
    """What each place of a usable link shows, from the cache or (once per version) from the
    database."""
    keys = {m.pk: _material_key(m) for m in modules}
    found = cache.get_many(keys.values())
    missing = [m for m in modules if keys[m.pk] not in found]
    if missing:
        loaded = {keys[m.pk]: _material(m) for m in selectors.shared_material(missing)}
        cache.set_many(loaded, MATERIAL_CACHE_SECONDS)
        found.update(loaded)
    return [ShownSection(m.position, found[keys[m.pk]]) for m in modules]


@require_GET
def share_view(request: HttpRequest, token: str) -> HttpResponse:
    """The shared material, in order. Each GET is an open, recorded before the page is sent."""
    state = selectors.share_resolve(token)
    if state.link is None:
        return _not_found()
    if not state.available:
        return _gone(state.link)
    link = state.link
    opened = services.share_record_open(link=link)
    context: dict[str, Any] = {
        "link": link,
        "token": token,
        "sections": _sections(state.modules),
        "open_id": opened.pk,
        "beacon_url": reverse("viewer:beacon", args=[token]),
        **_contact(link),
    }
    return _page("content/viewer/page.html", context)


def _problem(status: int, detail: str) -> HttpResponse:
    return _private(JsonResponse({"detail": detail}, status=status))


def _beacon_report(body: bytes) -> tuple[int, list[services.Beacon]]:
    """The open and the seconds per position a beacon reports; ValueError says what is wrong
    with its shape (the service judges whether the figures are possible)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("The report is not valid JSON.") from exc
    if not isinstance(payload, dict):
        raise ValueError('The report must be an object: {"open": id, "events": [...]}.')
    open_id, events = _whole(payload.get("open")), payload.get("events")
    if open_id is None or not 0 < open_id < MAX_ID:
        raise ValueError('"open" must be the id of the open the page was given.')
    if not isinstance(events, list):
        raise ValueError('"events" must be a list of {"position": n, "seconds": s}.')
    beacons = []
    for event in events:
        if not isinstance(event, dict):
            raise ValueError('Each event must be {"position": n, "seconds": s}.')
        position, seconds = _whole(event.get("position")), _whole(event.get("seconds"))
        if position is None or seconds is None:
            raise ValueError("Each event needs a whole-number position and seconds.")
        beacons.append(services.Beacon(position=position, seconds=seconds))
    return open_id, beacons


def _whole(value: object) -> int | None:
    # JSON true and false arrive as Python booleans, which are ints too.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Public and authorised by the token in its address alone: there is no session, hence no CSRF
# cookie to check, and a forged cross-site beacon could only report reading time for a link the
# forger already holds — which the token gives them anyway. The figures are still checked.
@csrf_exempt
@require_POST
def share_beacon(request: HttpRequest, token: str) -> HttpResponse:
    """Seconds per module from the viewer's script: 204 when stored, 400 with the reason
    (nothing stored) when the report is malformed or impossible."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > BEACON_MAX_BYTES:
        return _problem(413, f"A report holds at most {BEACON_MAX_BYTES} bytes.")
    state = selectors.share_resolve(token, for_beacon=True)
    if state.link is None:
        return _problem(404, "Not found.")
    if not state.available:
        return _problem(410, "This material is no longer available.")
    try:
        open_id, beacons = _beacon_report(request.body)
        services.share_record_beacon(
            link=state.link, open_id=open_id, beacons=beacons, positions=state.positions
        )
    except ValueError as exc:
        return _problem(400, str(exc))
    except Invalid as exc:
        return _problem(400, exc.message)
    return _private(HttpResponse(status=204))


def _usable_sections(token: str) -> tuple[ShareLink, list[ShownSection]] | HttpResponse:
    """The link and what it shows, or the answer to give instead (404, 410)."""
    state = selectors.share_resolve(token)
    if state.link is None:
        return _not_found()
    if not state.available:
        return _gone(state.link)
    return state.link, _sections(state.modules)


def _file_response(stored: str, name: str, mime: str, *, attachment: bool) -> FileResponse | None:
    try:
        handle = default_storage.open(stored, "rb") if stored else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        return None
    response = FileResponse(
        handle, as_attachment=attachment, filename=name, content_type=mime or None
    )
    response["Content-Security-Policy"] = FILE_POLICY
    return _private(response)


def _item_file(sections: list[ShownSection], position: int) -> ShownFile | None:
    # Only a whole item brings its file: one module shared from a deck is not the deck.
    section = next((s for s in sections if s.position == position), None)
    return section.material.file if section else None


@require_GET
def share_download(request: HttpRequest, token: str, position: int) -> HttpResponseBase:
    """Download the file of a shared item; recorded against the page's open when given."""
    found = _usable_sections(token)
    if isinstance(found, HttpResponse):
        return found
    link, sections = found
    file = _item_file(sections, position)
    response = _file_response(file.stored, file.name, file.mime, attachment=True) if file else None
    if response is None:
        return _not_found()
    raw_open = request.GET.get("open", "")
    open_id = int(raw_open) if raw_open.isascii() and raw_open.isdigit() else 0
    # A missing or foreign open still counts the download, under an open of its own.
    services.share_record_download(
        link=link, open_id=open_id if 0 < open_id < MAX_ID else None, position=position
    )
    return response


@require_GET
@xframe_options_sameorigin
def share_file(request: HttpRequest, token: str, position: int) -> HttpResponseBase:
    """The file of a shared item shown inside the page (PDF, image, video): not a download."""
    found = _usable_sections(token)
    if isinstance(found, HttpResponse):
        return found
    file = _item_file(found[1], position)
    response = _file_response(file.stored, file.name, file.mime, attachment=False) if file else None
    return _not_found() if response is None else response


@require_GET
def share_figure(request: HttpRequest, token: str, module_version_id: int) -> HttpResponseBase:
    """The image of a figure module the link carries (on its own or inside a shared item)."""
    found = _usable_sections(token)
    if isinstance(found, HttpResponse):
        return found
    for section in found[1]:
        module = section.material.figure(module_version_id)
        if module is not None:
            name = PurePosixPath(module.figure).name
            response = _file_response(module.figure, name, module.figure_mime, attachment=False)
            return _not_found() if response is None else response
    return _not_found()
