"""Content pages: the library, an item with its versions and MLR review (e-signatures),
modules, the review queue, presentations (build, preview, present full-screen in a meeting,
share) and share links with what the KOL did with them.

Each view reads a form, calls one selector or service and renders the answer. What a person
may see or do is decided by the policy, the compliance gates and the selectors; the views only
turn their answers into pages: a hidden record is a 404, a refused action a 403 naming the rule,
a refused value an error next to its field (422; 409 when the record changed meanwhile).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from kolbridge.content import forms, selectors, services
from kolbridge.content.models import (
    ContentItem,
    ContentKind,
    ContentModule,
    ItemVersion,
    ModuleVersion,
    Presentation,
    PresentedContent,
    ReviewDiscipline,
    ShareLink,
    VersionStatus,
)
from kolbridge.content.policies import external_use_refusal, off_label_indications
from kolbridge.content.providers import duration_label
from kolbridge.content.references import format_reference, reference_url
from kolbridge.core import policy
from kolbridge.core.audit_display import AuditRow, audit_rows_for
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.models import User
from kolbridge.core.selectors import products_list, therapeutic_areas_list
from kolbridge.engagements.models import Inquiry, Interaction, InteractionStatus
from kolbridge.engagements.sections import InteractionSection, SectionAction
from kolbridge.engagements.selectors import inquiries_visible, interaction_search
from kolbridge.kols.models import Kol
from kolbridge.kols.selectors import kol_get, kol_journey, kol_search

AUDIT_ROWS_SHOWN = 50
PICKER_SIZE = 10  # approved items listed in the builder's picker before the MSL searches
KOL_CHOICES_SHOWN = 20
# Meetings offered for presenting: planned ones from the last week on (a meeting not yet
# completed may be a few days old) and those that took place today.
PLANNED_MEETINGS_SINCE_DAYS = 7
# Field names the services use that the forms call differently.
FIELD_ALIASES = {"inquiry_id": "inquiry", "expires_in_days": "expires_in_days"}


class ContentRequest(HttpRequest):
    """Every content page has a signed-in user: the sign-in middleware sends others away."""

    user: User
    htmx: HtmxDetails


View = Callable[..., HttpResponseBase]


def _refusals_as_pages(view: View) -> View:
    """A record the person may not see is a 404; an action their role or the record's rules
    refuse is a 403 page that names the rule, wherever in the view the refusal comes from."""

    @wraps(view)
    def wrapper(request: ContentRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            return render(request, "content/forbidden.html", {"message": exc.message}, status=403)

    return wrapper


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_invalid(form: django_forms.BaseForm, exc: Invalid) -> None:
    """Put each value the service refused next to its field, or above the form."""
    for name, problems in exc.errors.items():
        field = FIELD_ALIASES.get(name, name)
        if field in form.fields and not form.fields[field].widget.is_hidden:
            form.add_error(field, problems)
        else:
            # Services speak in whole sentences, so they read well above the form too.
            form.add_error(None, problems)


def _refused(form: django_forms.BaseForm, exc: Invalid | Conflict | Forbidden) -> int:
    """Show a service's refusal on the form and answer the status that fits it."""
    if isinstance(exc, Invalid):
        _show_invalid(form, exc)
        return 422
    form.add_error(None, exc.message)
    return 409 if isinstance(exc, Conflict) else 403


def _refusal_of(
    form: django_forms.BaseForm, exc: Invalid | Conflict | Forbidden
) -> tuple[int, str]:
    """A refused value goes next to its field; a refused step (the record changed meanwhile, a
    rule of the record) is said above everything, as its form may no longer be offered."""
    if isinstance(exc, Invalid):
        _show_invalid(form, exc)
        return 422, ""
    return (409 if isinstance(exc, Conflict) else 403), exc.message


def _sentences(exc: Invalid | Conflict | Forbidden) -> str:
    """A refusal as one message, for steps that have no form to show it on."""
    if isinstance(exc, Invalid):
        return " ".join(problem for problems in exc.errors.values() for problem in problems)
    return exc.message


def _audit_rows(user: User, object_type: str, object_id: int) -> list[AuditRow] | None:
    trail = audit_rows_for(
        user=user, object_type=object_type, object_id=object_id, limit=AUDIT_ROWS_SHOWN
    )
    return None if trail is None else trail[0]


def _search_query(request: HttpRequest) -> str:
    """The search as it stands in the address bar, without the page number or empty fields."""
    return urlencode({k: v for k, v in request.GET.items() if k != "page" and v})


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else ""


# What a slot, a module or an item shows -------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    label: str
    url: str


def _references(module_version: ModuleVersion) -> list[Reference]:
    return [Reference(format_reference(r), reference_url(r)) for r in module_version.references]


@dataclass(frozen=True)
class Material:
    """One thing to show: a whole item version (its file or written answer) or one module."""

    position: int
    title: str
    shows: str  # "pdf", "video", "image", "text" (a standard response) or "module"
    item_version: ItemVersion
    module_version: ModuleVersion | None
    file_url: str
    figure_url: str
    references: list[Reference]


def _file_url(item_id: int, version: ItemVersion, *, download: bool = False) -> str:
    url = reverse("content:item_file", args=[item_id, version.number])
    return f"{url}?download=1" if download else url


def _figure_url(module_version: ModuleVersion) -> str:
    if not module_version.figure:
        return ""
    return reverse("content:module_figure", args=[module_version.module_id, module_version.number])


def _shows(kind: str, version: ItemVersion) -> str:
    if kind == ContentKind.FAQ or not version.file:
        return "text"
    if kind == ContentKind.VIDEO:
        return "video"
    if kind == ContentKind.INFOGRAPHIC:
        return "image"
    return "pdf"


def material(
    position: int,
    item: ContentItem,
    version: ItemVersion,
    module_version: ModuleVersion | None = None,
) -> Material:
    if module_version is not None:
        return Material(
            position,
            module_version.title,
            "module",
            version,
            module_version,
            "",
            _figure_url(module_version),
            _references(module_version),
        )
    shows = _shows(item.kind, version)
    return Material(
        position,
        version.title,
        shows,
        version,
        None,
        "" if shows == "text" else _file_url(item.pk, version),
        "",
        [],
    )


# The library ----------------------------------------------------------------------------------


def _library_context(request: ContentRequest) -> dict[str, Any]:
    user = request.user
    form = forms.LibrarySearchForm(
        request.GET,
        areas=therapeutic_areas_list(user=user),
        products=products_list(user=user),
    )
    # A filter with a bad value is shown next to its field and left out of the search.
    form.is_valid()
    items = selectors.library_search(user=user, **form.filters())
    page = Paginator(items, settings.KOLBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"form": form, "page": page, "query": _search_query(request)}


@_refusals_as_pages
def library(request: ContentRequest) -> HttpResponse:
    """The library: search titles, module text and references, filter, page through."""
    selectors.require_view(request.user, "content_item")
    return render(request, "content/library.html", _library_context(request))


@_refusals_as_pages
def library_results(request: ContentRequest) -> HttpResponse:
    """The results part of the library, which the search form swaps in as the person types."""
    selectors.require_view(request.user, "content_item")
    query = _search_query(request)
    list_url = reverse("content:library") + (f"?{query}" if query else "")
    if not request.htmx:
        return redirect(list_url)
    response = render(request, "content/_library_results.html", _library_context(request))
    # The address bar follows the search, so a reload or a shared link shows the same list.
    return push_url(response, list_url)


# Items ----------------------------------------------------------------------------------------


def _item_form(
    request: ContentRequest,
    *,
    editing: bool,
    initial: Mapping[str, Any] | None = None,
    keep_first: list[int] | None = None,
) -> forms.ItemForm:
    """The item form, its modules listed with the item's own first (in their order)."""
    user = request.user
    modules = list(selectors.module_search(user=user).select_related("therapeutic_area")[:500])
    if keep_first:
        rank = {pk: i for i, pk in enumerate(keep_first)}
        modules.sort(key=lambda m: (rank.get(m.pk, len(rank)), -m.pk))
    return forms.ItemForm(
        _posted(request),
        request.FILES or None,
        areas=therapeutic_areas_list(user=user),
        products=products_list(user=user),
        modules=modules,
        editing=editing,
        initial=initial,
    )


@_refusals_as_pages
def item_create(request: ContentRequest) -> HttpResponse:
    """Start a new library item as a draft."""
    user = request.user
    policy.require(user, "content_item", "create")
    form = _item_form(request, editing=False)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.item_create(
                    actor=user,
                    kind=data["kind"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    classification=form.classification(),
                    module_ids=form.module_ids(),
                    upload=data["file"],
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "Draft created. Send it for MLR review when it is ready.")
                return redirect("content:item_detail", item.pk)
    return render(request, "content/item_form.html", {"form": form, "item": None}, status=status)


def _item(user: User, item_id: int) -> ContentItem:
    selectors.require_view(user, "content_item")
    return selectors.item_get(user=user, item_id=item_id)


def _may_see_drafts(user: User, item: ContentItem) -> bool:
    """Authors and reviewers work on the newest version; everyone else reads the one in use."""
    return policy.can(user, "content_item", "change", item) or policy.can(
        user, "content_review", "view"
    )


OPEN_TO_ALL = {
    VersionStatus.APPROVED,
    VersionStatus.SUPERSEDED,
    VersionStatus.EXPIRED,
    VersionStatus.WITHDRAWN,
}


def _may_open(user: User, item: ContentItem, version: ItemVersion) -> bool:
    return version.status in OPEN_TO_ALL or _may_see_drafts(user, item)


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    version: int
    kind: str
    label: str
    by: str
    comment: str


@dataclass(frozen=True)
class ModuleRow:
    position: int
    module_version: ModuleVersion
    references: list[Reference]
    figure_url: str


def _history(versions: list[ItemVersion]) -> list[HistoryRow]:
    rows = [
        HistoryRow(e.at, v.number, e.kind, e.get_kind_display(), _name(e.by), e.comment)
        for v in versions
        for e in v.review_events.all()
    ]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows


def _item_response(
    request: ContentRequest,
    item: ContentItem,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    """The item page. ``bound`` holds a submitted form to show again with its errors;
    ``refusal`` says why a step was not taken."""
    user = request.user
    bound = bound or {}
    versions = selectors.item_versions(user=request.user, item=item)
    by_pk = {v.pk: v for v in versions}
    drafts = _may_see_drafts(user, item)
    shown_pk = (
        item.working_version_id if drafts else (item.approved_version_id or item.current_version_id)
    )
    shown = by_pk.get(shown_pk or 0) or versions[0]
    review = selectors.review_state(user=user, item=item)
    working = by_pk.get(item.working_version_id or 0)
    withdrawn = item.withdrawn_at is not None
    may_change = policy.can(user, "content_item", "change", item) and not withdrawn
    in_review = working is not None and working.status == VersionStatus.IN_REVIEW
    is_draft = working is not None and working.status == VersionStatus.DRAFT
    context: dict[str, Any] = {
        "item": item,
        "versions": [(v, _may_open(user, item, v)) for v in versions],
        "shown": shown,
        "shown_material": material(0, item, shown),
        "shown_is_in_use": shown.pk == item.approved_version_id,
        "approved": by_pk.get(item.approved_version_id or 0),
        "working": working,
        "off_label": off_label_indications(shown),
        "modules": [
            ModuleRow(
                link.position,
                link.module_version,
                _references(link.module_version),
                _figure_url(link.module_version),
            )
            for link in shown.module_links.all()
        ],
        "signatures": [(v, list(v.signatures.all())) for v in versions if v.signatures.all()],
        "history": _history(versions),
        "review": review,
        "usage": selectors.item_usage(user=user, item=item),
        "may_change": may_change and not in_review,
        "may_submit": policy.can(user, "content_item", "submit", item)
        and is_draft
        and not withdrawn,
        "problems": services.submission_problems(working) if is_draft and working else {},
        "may_return": in_review and policy.can(user, "content_review", "return"),
        "may_withdraw": not withdrawn and policy.can(user, "content_item", "withdraw", item),
        "audit_rows": _audit_rows(user, "content_item", item.pk),
        "today": timezone.localdate(),
    }
    if review is not None and review.may_sign:
        context["sign_form"] = bound.get("sign") or forms.SignForm(missing=review.missing)
    if context["may_return"]:
        context["return_form"] = bound.get("return") or forms.ReturnForm()
    if context["may_withdraw"]:
        context["withdraw_form"] = bound.get("withdraw") or forms.WithdrawForm()
    if context["may_change"]:
        context["upload_form"] = bound.get("upload") or forms.ItemFileForm(
            initial={"version": item.version}
        )
    context["refusal"] = refusal
    return render(request, "content/item_detail.html", context, status=status)


@_refusals_as_pages
def item_detail(request: ContentRequest, item_id: int) -> HttpResponse:
    """One item: its versions, classification, modules, review and where it is used."""
    return _item_response(request, _item(request.user, item_id))


@_refusals_as_pages
def item_edit(request: ContentRequest, item_id: int) -> HttpResponse:
    """Change an item: a draft in place, an approved item as a new draft version."""
    user = request.user
    item = _item(user, item_id)
    policy.require(user, "content_item", "change", item)
    working = item.working_version
    assert working is not None
    initial = forms.ItemForm.initial_for(working, item.version)
    form = _item_form(request, editing=True, initial=initial, keep_first=initial["modules"])
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = services.item_revise(
                    actor=user,
                    item=item,
                    expected_version=data["version"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"] if item.kind == ContentKind.FAQ else None,
                    change_summary=data["change_summary"],
                    classification=form.classification(),
                    module_ids=form.module_ids(),
                    upload=data["file"],
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"Version {version.number} saved as a draft.")
                return redirect("content:item_detail", item.pk)
    context = {"form": form, "item": item, "working": working}
    return render(request, "content/item_form.html", context, status=status)


@require_POST
@_refusals_as_pages
def item_upload(request: ContentRequest, item_id: int) -> HttpResponse:
    """A new file for the item (a new draft version when the item is approved)."""
    user = request.user
    item = _item(user, item_id)
    policy.require(user, "content_item", "change", item)
    form = forms.ItemFileForm(request.POST, request.FILES)
    status, refusal = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = services.item_revise(
                actor=user,
                item=item,
                expected_version=data["version"],
                upload=data["file"],
                change_summary=data["change_summary"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status, refusal = _refusal_of(form, exc)
        else:
            messages.success(request, f"New file saved in version {version.number} (a draft).")
            return redirect("content:item_detail", item.pk)
    return _item_response(request, item, {"upload": form}, status, refusal)


@require_POST
@_refusals_as_pages
def item_submit(request: ContentRequest, item_id: int) -> HttpResponse:
    """Send the working draft to MLR review."""
    user = request.user
    item = _item(user, item_id)
    policy.require(user, "content_item", "submit", item)
    try:
        version = services.item_submit(actor=user, item=item)
    except (Invalid, Conflict) as exc:
        status = 422 if isinstance(exc, Invalid) else 409
        return _item_response(request, item, status=status, refusal=_sentences(exc))
    messages.success(
        request,
        f"Version {version.number} sent for MLR review: medical, legal and regulatory sign-offs "
        "are needed.",
    )
    return redirect("content:item_detail", item.pk)


@require_POST
@_refusals_as_pages
def item_sign(request: ContentRequest, item_id: int) -> HttpResponse:
    """An MLR e-signature given on the item page."""
    user = request.user
    item = _item(user, item_id)
    review = selectors.review_state(user=user, item=item)
    if review is None:
        messages.error(request, "This item is not in MLR review; there is nothing to sign.")
        return redirect("content:item_detail", item.pk)
    if not review.may_sign:
        raise Forbidden(review.signing_refusal)
    form = forms.SignForm(request.POST, missing=review.missing)
    status, refusal = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            signature = services.item_sign(
                actor=user,
                item=item,
                discipline=data["discipline"],
                password=data["password"],
                meaning=data["meaning"],
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status, refusal = _refusal_of(form, exc)
        else:
            item.refresh_from_db()
            done = (
                " All three sign-offs are given: the item is approved."
                if item.approved_version_id == review.version.pk
                else ""
            )
            messages.success(
                request, f"{signature.get_discipline_display()} sign-off recorded.{done}"
            )
            return redirect("content:item_detail", item.pk)
    return _item_response(request, item, {"sign": form}, status, refusal)


@require_POST
@_refusals_as_pages
def item_return(request: ContentRequest, item_id: int) -> HttpResponse:
    """Send a version in review back to its author with comments."""
    user = request.user
    item = _item(user, item_id)
    policy.require(user, "content_review", "return")
    form = forms.ReturnForm(request.POST)
    status, refusal = 422, ""
    if form.is_valid():
        try:
            services.item_return(actor=user, item=item, comment=form.cleaned_data["comment"])
        except (Invalid, Conflict) as exc:
            status, refusal = _refusal_of(form, exc)
        else:
            messages.success(request, "Returned to the author with your comments.")
            return redirect("content:item_detail", item.pk)
    return _item_response(request, item, {"return": form}, status, refusal)


@require_POST
@_refusals_as_pages
def item_withdraw(request: ContentRequest, item_id: int) -> HttpResponse:
    """Take the item out of use at once."""
    user = request.user
    item = _item(user, item_id)
    policy.require(user, "content_item", "withdraw", item)
    form = forms.WithdrawForm(request.POST)
    status, refusal = 422, ""
    if form.is_valid():
        try:
            services.item_withdraw(actor=user, item=item, reason=form.cleaned_data["reason"])
        except (Invalid, Conflict) as exc:
            status, refusal = _refusal_of(form, exc)
        else:
            messages.success(
                request, "Item withdrawn: its share links stopped and presentation owners are told."
            )
            return redirect("content:item_detail", item.pk)
    return _item_response(request, item, {"withdraw": form}, status, refusal)


@xframe_options_sameorigin
@_refusals_as_pages
def item_file(request: ContentRequest, item_id: int, number: int) -> HttpResponseBase:
    """A version's file, read through the storage API for those who may see the item (shown in
    the page, or downloaded with ``?download=1``)."""
    user = request.user
    item = _item(user, item_id)
    version = item.versions.filter(number=number).first()
    if version is None or not version.file or not _may_open(user, item, version):
        raise Http404("No such file.")
    return FileResponse(
        default_storage.open(version.file.name, "rb"),
        as_attachment=request.GET.get("download") == "1",
        filename=version.file_name or version.file.name.rsplit("/", 1)[-1],
        content_type=version.file_mime or "application/octet-stream",
    )


# Modules --------------------------------------------------------------------------------------


@_refusals_as_pages
def module_list(request: ContentRequest) -> HttpResponse:
    """Reusable modules: claims with references, figures, key messages, text blocks."""
    user = request.user
    selectors.require_view(user, "content_module")
    form = forms.ModuleSearchForm(request.GET, areas=therapeutic_areas_list(user=user))
    form.is_valid()
    modules = selectors.module_search(user=user, **form.filters())
    page = Paginator(modules, settings.KOLBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/module_list.html",
        {"form": form, "page": page, "query": _search_query(request)},
    )


@_refusals_as_pages
def module_create(request: ContentRequest) -> HttpResponse:
    user = request.user
    policy.require(user, "content_module", "create")
    form = forms.ModuleForm(
        _posted(request),
        request.FILES or None,
        areas=therapeutic_areas_list(user=user),
        revising=False,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                module = services.module_create(
                    actor=user,
                    kind=data["kind"],
                    therapeutic_area=data["therapeutic_area"],
                    title=data["title"],
                    text=data["text"],
                    references=forms.lines(data["references"]),
                    figure=data["figure"],
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                messages.success(
                    request, "Module created (a draft until an item carrying it is approved)."
                )
                return redirect("content:module_detail", module.pk)
    return render(
        request, "content/module_form.html", {"form": form, "module": None}, status=status
    )


def _module(user: User, module_id: int) -> ContentModule:
    selectors.require_view(user, "content_module")
    return selectors.module_get(user=user, module_id=module_id)


@_refusals_as_pages
def module_detail(request: ContentRequest, module_id: int) -> HttpResponse:
    """A module's versions and the items that carry it."""
    user = request.user
    module = _module(user, module_id)
    versions = list(module.versions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "content/module_detail.html",
        {
            "module": module,
            "versions": [(v, _references(v), _figure_url(v)) for v in versions],
            "items": selectors.module_items(user=user, module=module)[:100],
            "may_change": policy.can(user, "content_module", "change", module),
        },
    )


@_refusals_as_pages
def module_revise(request: ContentRequest, module_id: int) -> HttpResponse:
    """Reword a module: its draft in place, or a new version after the approved one."""
    user = request.user
    module = _module(user, module_id)
    policy.require(user, "content_module", "change", module)
    latest = module.latest_version
    assert latest is not None
    form = forms.ModuleForm(
        _posted(request),
        request.FILES or None,
        revising=True,
        initial={
            "title": latest.title,
            "text": latest.text,
            "references": "\n".join(format_reference(r) for r in latest.references),
        },
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = services.module_revise(
                    actor=user,
                    module=module,
                    title=data["title"],
                    text=data["text"],
                    references=forms.lines(data["references"]),
                    figure=data["figure"],
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"Module version {version.number} saved as a draft.")
                return redirect("content:module_detail", module.pk)
    return render(
        request, "content/module_form.html", {"form": form, "module": module}, status=status
    )


@xframe_options_sameorigin
@_refusals_as_pages
def module_figure(request: ContentRequest, module_id: int, number: int) -> HttpResponseBase:
    """A module version's figure image, for those who may see the module."""
    module = _module(request.user, module_id)
    version = module.versions.filter(number=number).first()
    if version is None or not version.figure:
        raise Http404("No such figure.")
    return FileResponse(
        default_storage.open(version.figure.name, "rb"),
        content_type=version.figure_mime or "application/octet-stream",
    )


# MLR review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    item: ContentItem
    signed: list[str]
    missing: list[str]
    mine: bool


@_refusals_as_pages
def review_queue(request: ContentRequest) -> HttpResponse:
    """Items waiting in MLR review, oldest submission first, with the sign-offs given."""
    user = request.user
    items = list(
        selectors.review_queue(user=user).prefetch_related("working_version__signatures__signer")
    )
    labels = dict(ReviewDiscipline.choices)
    rows = []
    for item in items:
        version = item.working_version
        assert version is not None
        current = [s for s in version.signatures.all() if s.review_round == version.review_round]
        done = {s.discipline for s in current}
        rows.append(
            QueueRow(
                item,
                [f"{labels[s.discipline]} ({_name(s.signer)})" for s in current],
                [labels[d] for d in labels if d not in done],
                any(s.signer_id == user.pk for s in current) or item.owner_id == user.pk,
            )
        )
    return render(request, "content/review_queue.html", {"rows": rows})


# Presentations --------------------------------------------------------------------------------


@_refusals_as_pages
def presentation_list(request: ContentRequest) -> HttpResponse:
    """The MSL's presentations (a medical lead: the team's), with changes waiting for them."""
    user = request.user
    kol_id = request.GET.get("kol", "")
    kol = kol_get(user=user, kol_id=int(kol_id)) if kol_id.isdigit() else None
    rows = selectors.presentations_for(user=user, kol_id=kol.pk if kol else None)
    page = Paginator(rows, settings.KOLBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/presentation_list.html",
        {"page": page, "kol": kol, "query": _search_query(request)},
    )


def _kol_inquiries(user: User, kol: Kol) -> QuerySet[Inquiry]:
    return inquiries_visible(user=user).filter(kol=kol).order_by("-received_at")[:50]


@_refusals_as_pages
def presentation_new(request: ContentRequest) -> HttpResponse:
    """Start a presentation for one KOL: find the KOL first, then name it."""
    user = request.user
    policy.require(user, "presentation", "create")
    kol_id = request.GET.get("kol", "")
    if not kol_id.isdigit():
        search = forms.KolChoiceForm(request.GET)
        search.is_valid()
        q = search.cleaned_data.get("q", "") if hasattr(search, "cleaned_data") else ""
        kols = list(kol_search(user=user, q=q)[: KOL_CHOICES_SHOWN + 1])
        return render(
            request,
            "content/presentation_kol.html",
            {
                "search": search,
                "kols": kols[:KOL_CHOICES_SHOWN],
                "more": len(kols) > KOL_CHOICES_SHOWN,
                "q": q,
            },
        )
    kol = kol_get(user=user, kol_id=int(kol_id))
    form = forms.PresentationForm(
        _posted(request),
        inquiries=_kol_inquiries(user, kol),
        initial={"title": f"For {kol.display_name}"},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                p = services.presentation_create(
                    actor=user,
                    kol_id=kol.pk,
                    title=data["title"],
                    private_note=data["private_note"],
                    inquiry_id=data["inquiry"],
                )
            except (Invalid, Conflict, Forbidden) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "Presentation started. Add approved content to it.")
                return redirect("content:presentation_detail", p.pk)
    return render(
        request, "content/presentation_new.html", {"form": form, "kol": kol}, status=status
    )


def _presentation(user: User, presentation_id: int) -> Presentation:
    selectors.require_view(user, "presentation")
    return selectors.presentation_get(user=user, presentation_id=presentation_id)


@dataclass(frozen=True)
class PickerRow:
    item: ContentItem
    refusal: str
    modules: list[ModuleVersion]


def _picker_rows(user: User, p: Presentation, q: str) -> tuple[list[PickerRow], bool]:
    """Approved content the MSL may add, each with the gate that would refuse it for this KOL
    (shown before they try, in the words the gate uses)."""
    items = list(selectors.approved_items_for_kol(user=user, q=q)[: PICKER_SIZE + 1])
    rows = []
    for item in items[:PICKER_SIZE]:
        version = item.approved_version
        assert version is not None
        version.item = item
        rows.append(
            PickerRow(
                item,
                external_use_refusal(version, kol=p.kol, inquiry=p.inquiry) or "",
                [link.module_version for link in version.module_links.all()],
            )
        )
    return rows, len(items) > PICKER_SIZE


def _email_choice(user: User, kol: Kol) -> tuple[list[Any] | None, str]:
    """The approved templates the link may be e-mailed with, or None and why not."""
    journey = kol_journey(user=user, kol=kol)
    if not kol.email:
        return None, f"{kol.display_name} has no e-mail address on file."
    if journey is None or journey.channels is None or not journey.channels.email_consent:
        return None, (
            f"{kol.display_name}'s channel preferences give no e-mail consent, so the link "
            "cannot be e-mailed from here; hand it over another way."
        )
    templates = list(selectors.email_templates_for(user=user, approved_only=True))
    if not templates:
        return None, "There is no approved e-mail template yet."
    return templates, ""


def _share_form(user: User, p: Presentation, data: Any = None) -> forms.ShareForm:
    templates, _ = _email_choice(user, p.kol)
    return forms.ShareForm(
        data,
        inquiries=_kol_inquiries(user, p.kol),
        templates=templates,
        initial={"inquiry": p.inquiry_id},
    )


def _builder_response(
    request: ContentRequest,
    p: Presentation,
    bound: Mapping[str, django_forms.BaseForm] | None = None,
    status: int = 200,
    picker_error: str = "",
) -> HttpResponse:
    """The presentation builder. ``bound`` holds a submitted form to show again."""
    user = request.user
    bound = bound or {}
    q = request.GET.get("q", "").strip()
    picker, more = _picker_rows(user, p, q)
    slots = list(p.slots.all())
    _, email_note = _email_choice(user, p.kol)
    context = {
        "p": p,
        "slots": slots,
        "notices": list(selectors.presentation_notices(presentation=p).select_related("slot")),
        "refusals": services.presentation_refusals(p),
        "picker": picker,
        "picker_more": more,
        "picker_q": q,
        "picker_error": picker_error,
        "may_change": policy.can(user, "presentation", "change", p),
        "may_share": policy.can(user, "share_link", "create"),
        "edit_form": bound.get("edit")
        or forms.PresentationForm(
            inquiries=_kol_inquiries(user, p.kol),
            initial={
                "title": p.title,
                "private_note": p.private_note,
                "inquiry": p.inquiry_id,
                "version": p.version,
            },
        ),
        "share_form": bound.get("share") or _share_form(user, p),
        "email_note": email_note,
        "audit_rows": _audit_rows(user, "presentation", p.pk),
    }
    return render(request, "content/presentation_detail.html", context, status=status)


@_refusals_as_pages
def presentation_detail(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """The builder: ordered slots, the picker of approved content, notices and refusals, and
    the ways on to preview, present and share."""
    return _builder_response(request, _presentation(request.user, presentation_id))


@_refusals_as_pages
def presentation_picker(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """htmx: the picker's rows for what the MSL typed."""
    user = request.user
    p = _presentation(user, presentation_id)
    q = request.GET.get("q", "").strip()
    if not request.htmx:
        url = reverse("content:presentation_detail", args=[p.pk])
        return redirect(f"{url}?{urlencode({'q': q})}#add" if q else f"{url}#add")
    picker, more = _picker_rows(user, p, q)
    return render(
        request,
        "content/_picker.html",
        {"p": p, "picker": picker, "picker_more": more, "picker_q": q, "may_change": True},
    )


def _back_to_builder(p: Presentation, anchor: str = "slots") -> HttpResponse:
    return redirect(f"{reverse('content:presentation_detail', args=[p.pk])}#{anchor}")


@require_POST
@_refusals_as_pages
def presentation_edit(request: ContentRequest, presentation_id: int) -> HttpResponse:
    user = request.user
    p = _presentation(user, presentation_id)
    policy.require(user, "presentation", "change", p)
    form = forms.PresentationForm(request.POST, inquiries=_kol_inquiries(user, p.kol))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.presentation_update(
                actor=user,
                presentation=p,
                expected_version=data["version"],
                title=data["title"],
                private_note=data["private_note"],
                inquiry_id=data["inquiry"],
                clear_inquiry=data["inquiry"] is None,
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Presentation saved.")
            return _back_to_builder(p, "details")
    return _builder_response(request, p, {"edit": form}, status)


@require_POST
@_refusals_as_pages
def presentation_add(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """Add a whole approved item, or one of its modules, at the end."""
    user = request.user
    p = _presentation(user, presentation_id)
    policy.require(user, "presentation", "change", p)
    form = forms.AddSlotForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, p, status=422, picker_error="Choose what to add.")
    try:
        slot = services.presentation_add(
            actor=user,
            presentation=p,
            item_id=form.cleaned_data["item"],
            module_id=form.cleaned_data["module"],
        )
    except Forbidden as exc:
        return _builder_response(request, p, status=403, picker_error=exc.message)
    except (Invalid, Conflict) as exc:
        status = 422 if isinstance(exc, Invalid) else 409
        return _builder_response(request, p, status=status, picker_error=_sentences(exc))
    messages.success(request, f"Added “{slot.title}” at position {slot.position}.")
    return _back_to_builder(p)


def _slot_ids(p: Presentation) -> list[int]:
    return [s.pk for s in p.slots.all()]


@require_POST
@_refusals_as_pages
def presentation_move(request: ContentRequest, presentation_id: int, slot_id: int) -> HttpResponse:
    """Move a slot one place up or down."""
    user = request.user
    p = _presentation(user, presentation_id)
    policy.require(user, "presentation", "change", p)
    form = forms.MoveSlotForm(request.POST)
    ids = _slot_ids(p)
    if slot_id not in ids or not form.is_valid():
        raise Http404("No such slot in this presentation.")
    i = ids.index(slot_id)
    j = i - 1 if form.cleaned_data["direction"] == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        try:
            services.presentation_reorder(actor=user, presentation=p, slot_ids=ids)
        except (Invalid, Conflict) as exc:
            messages.error(request, _sentences(exc))
    return _back_to_builder(p)


@require_POST
@_refusals_as_pages
def presentation_remove(
    request: ContentRequest, presentation_id: int, slot_id: int
) -> HttpResponse:
    user = request.user
    p = _presentation(user, presentation_id)
    policy.require(user, "presentation", "change", p)
    title = next((s.title for s in p.slots.all() if s.pk == slot_id), "")
    services.presentation_remove(actor=user, presentation=p, slot_id=slot_id)
    messages.success(request, f"Removed “{title}”.")
    return _back_to_builder(p)


@require_POST
@_refusals_as_pages
def presentation_accept(
    request: ContentRequest, presentation_id: int, notice_id: int
) -> HttpResponse:
    """The owner looked at a change: take the newer version (or acknowledge the notice)."""
    user = request.user
    p = _presentation(user, presentation_id)
    policy.require(user, "presentation", "change", p)
    try:
        notice = services.presentation_accept_update(
            actor=user, presentation=p, notice_id=notice_id
        )
    except (Forbidden, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        done = "Moved to the newer version." if notice.kind == "needs_review" else "Noted."
        messages.success(request, done)
    return _back_to_builder(p, "notices")


def _materials(p: Presentation) -> list[Material]:
    return [material(s.position, s.item, s.item_version, s.module_version) for s in p.slots.all()]


@_refusals_as_pages
def presentation_preview(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """Everything in the presentation, in order, as it will be shown."""
    p = _presentation(request.user, presentation_id)
    return render(
        request,
        "content/presentation_preview.html",
        {"p": p, "materials": _materials(p), "refusals": services.presentation_refusals(p)},
    )


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def meetings_to_present_in(user: User, p: Presentation) -> list[Interaction]:
    """The KOL's meetings the MSL may present in: planned ones (from a week ago on) and those
    that took place today."""
    today = _day_start(timezone.localdate())
    tomorrow = today + timedelta(days=1)
    since = today - timedelta(days=PLANNED_MEETINGS_SINCE_DAYS)
    return list(
        interaction_search(user=user, kol_id=p.kol_id)
        .filter(
            Q(status=InteractionStatus.PLANNED, starts_at__gte=since)
            | Q(status=InteractionStatus.COMPLETED, starts_at__gte=today, starts_at__lt=tomorrow)
        )
        .order_by("starts_at", "id")[:20]
    )


@_refusals_as_pages
def presentation_present(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """Choose the meeting, then present full-screen: one module at a time, timed."""
    user = request.user
    p = _presentation(user, presentation_id)
    policy.require(user, "presentation", "present", p)
    meetings = meetings_to_present_in(user, p)
    form = forms.PresentForm(request.GET or None, interactions=meetings)
    refusals = services.presentation_refusals(p)
    if form.is_bound and form.is_valid() and not refusals:
        interaction = next(i for i in meetings if i.pk == form.cleaned_data["interaction"])
        return render(
            request,
            "content/present.html",
            {
                "p": p,
                "interaction": interaction,
                "materials": _materials(p),
                "record_url": reverse("content:presentation_record", args=[p.pk]),
                "back_url": reverse("content:presentation_detail", args=[p.pk]),
            },
        )
    context = {"p": p, "form": form, "meetings": meetings, "refusals": refusals}
    return render(request, "content/present_choose.html", context)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _parse_timings(body: bytes) -> tuple[int, list[services.Timing]]:
    """``{"interaction": 12, "timings": [{"position": 1, "seconds": 40}, ...]}``"""
    try:
        data = json.loads(body or b"{}")
        interaction = int(data["interaction"])
        timings = [services.Timing(int(t["position"]), int(t["seconds"])) for t in data["timings"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise Invalid({"timings": ["The timings sent are not readable."]}) from exc
    return interaction, timings


@require_POST
def presentation_record(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """The presenting page's script reports the time spent on each module when the MSL ends;
    it is recorded against the meeting. Answers JSON, refusals included."""
    user = request.user
    try:
        p = _presentation(user, presentation_id)
        interaction_id, timings = _parse_timings(request.body)
        rows = services.presentation_record_presenting(
            actor=user, presentation=p, interaction_id=interaction_id, timings=timings
        )
    except NotFound as exc:
        return _json_error(exc.message, 404)
    except (Invalid, Conflict, Forbidden) as exc:
        status = {Invalid: 422, Conflict: 409, Forbidden: 403}[type(exc)]
        return _json_error(_sentences(exc), status)
    total = sum(r.seconds for r in rows)
    messages.success(
        request,
        f"Presented “{p.title}”: {len(rows)} module{'s' if len(rows) != 1 else ''}, "
        f"{duration_label(total)}, recorded on this meeting.",
    )
    url = reverse("engagements:interaction_detail", args=[interaction_id])
    return JsonResponse({"recorded": len(rows), "seconds": total, "redirect": f"{url}#content"})


@_refusals_as_pages
def presentation_share(request: ContentRequest, presentation_id: int) -> HttpResponse:
    """Share the presentation with its KOL by a tokened link; the link is shown once."""
    user = request.user
    p = _presentation(user, presentation_id)
    if request.method != "POST":
        return _back_to_builder(p, "share")
    policy.require(user, "share_link", "create")
    form = _share_form(user, p, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = services.share_create(
                actor=user,
                kol_id=p.kol_id,
                presentation_id=p.pk,
                inquiry_id=data["inquiry"],
                expires_in_days=data["expires_in_days"],
                email_template_id=data.get("email_template"),
            )
        except (Invalid, Conflict, Forbidden) as exc:
            status = _refused(form, exc)
        else:
            # Rendered, not redirected: the token exists only in this answer (only its hash is
            # stored), so it is shown once and never kept in a session or a URL.
            response = render(
                request,
                "content/share_created.html",
                {"new": new, "link": new.link, "p": p},
                status=201,
            )
            response["Cache-Control"] = "no-store"
            return response
    return _builder_response(request, p, {"share": form}, status)


# Share links ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: ShareLink
    state: str  # "active", "revoked", "expired", "withdrawn", "content expired"


def _link_state(link: ShareLink, now: datetime) -> str:
    """``link`` carries the annotations of ``selectors.with_material_state``."""
    return selectors.gone_reason(link, now) or "active"


@_refusals_as_pages
def share_link_list(request: ContentRequest) -> HttpResponse:
    """Share links of one KOL, or the person's own (a medical lead: also the team's; an MLR
    reviewer: every link)."""
    user = request.user
    kol_id = request.GET.get("kol", "")
    kol = kol_get(user=user, kol_id=int(kol_id)) if kol_id.isdigit() else None
    # Those who share see their own links first; MLR reviewers (who only find and revoke
    # links) see every link they may.
    may_share = policy.can(user, "share_link", "create")
    mine = may_share and (
        request.GET.get("mine") == "1" or (kol is None and request.GET.get("mine") != "0")
    )
    links = selectors.share_links_for(user=user, kol_id=kol.pk if kol else None)
    if mine:
        links = links.filter(created_by=user)
    now = timezone.now()
    links = selectors.with_material_state(links, now)
    page = Paginator(links, settings.KOLBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/share_link_list.html",
        {
            "rows": [LinkRow(link, _link_state(link, now)) for link in page.object_list],
            "page": page,
            "kol": kol,
            "mine": mine,
            "may_share": may_share,
            "query": _search_query(request),
        },
    )


def _share_link_response(
    request: ContentRequest,
    link: ShareLink,
    form: forms.RevokeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    context = {
        "link": link,
        "state": _link_state(link, now),
        "activity": selectors.share_link_activity(link=link),
        "may_revoke": link.revoked_at is None and policy.can(user, "share_link", "revoke", link),
        "revoke_form": form or forms.RevokeForm(),
        "audit_rows": _audit_rows(user, "share_link", link.pk),
        "duration": duration_label,
    }
    return render(request, "content/share_link_detail.html", context, status=status)


def _share_link(user: User, link_id: int) -> ShareLink:
    selectors.require_view(user, "share_link")
    return selectors.share_link_get(user=user, link_id=link_id)


@_refusals_as_pages
def share_link_detail(request: ContentRequest, link_id: int) -> HttpResponse:
    """One link: what it carries, whether it still works, and what the KOL did with it."""
    return _share_link_response(request, _share_link(request.user, link_id))


@require_POST
@_refusals_as_pages
def share_link_revoke(request: ContentRequest, link_id: int) -> HttpResponse:
    user = request.user
    link = _share_link(user, link_id)
    policy.require(user, "share_link", "revoke", link)
    form = forms.RevokeForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.share_revoke(actor=user, link=link, reason=form.cleaned_data["reason"])
        except (Invalid, Conflict) as exc:
            status = _refused(form, exc)
        else:
            messages.success(
                request, "Link revoked: it now answers that the material is no longer available."
            )
            return redirect("content:share_link_detail", link.pk)
    return _share_link_response(request, link, form, status)


# The interaction page's "Content presented" section ------------------------------------------


@dataclass(frozen=True)
class PresentedRow:
    row: PresentedContent
    title: str
    version: str
    duration: str


def interaction_content_section(user: Any, interaction: Any) -> InteractionSection | None:
    """What was presented in the meeting (time per module), and the MSL's presentations for
    its KOLs with a "Present" button when the meeting can still take them."""
    if not policy.can(user, "presentation", "view"):
        return None
    presented = [
        PresentedRow(
            row,
            row.module_version.title if row.module_version else row.item_version.title,
            f"v{row.item_version.number}"
            + (f" · module v{row.module_version.number}" if row.module_version else ""),
            duration_label(row.seconds),
        )
        for row in PresentedContent.objects.filter(interaction=interaction)
        .select_related("item_version", "module_version", "presented_by")
        .order_by("presented_at", "position")
    ]
    kols = list(interaction.kols.all())
    can_present = interaction.status != InteractionStatus.CANCELLED and policy.can(
        user, "presentation", "present"
    )
    presentations = (
        list(
            selectors.presentations_for(user=user)
            .filter(kol__in=kols)
            .filter(Q(owner=user) | Q(owner_id__in=interaction.msls.values("id")))
        )
        if can_present
        else []
    )
    present_urls = [
        (
            p,
            f"{reverse('content:presentation_present', args=[p.pk])}?"
            f"{urlencode({'interaction': interaction.pk})}",
        )
        for p in presentations
    ]
    actions = []
    if can_present and policy.can(user, "presentation", "create") and len(kols) == 1:
        actions.append(
            SectionAction(
                "Build a presentation",
                f"{reverse('content:presentation_new')}?kol={kols[0].pk}",
            )
        )
    html = render_to_string(
        "content/_interaction_section.html",
        {
            "presented": presented,
            "total": duration_label(sum(r.row.seconds for r in presented)),
            "present_urls": present_urls,
            "can_present": can_present,
        },
    )
    return InteractionSection("content", "Content presented", SafeString(html), actions)
