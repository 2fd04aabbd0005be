"""The one NinjaAPI under /api/v1/. Each app owns a Router in its ``api.py``.

Errors have one shape: ``{"detail": "..."}``, and for 422 ``{"detail": [{"loc": [...],
"msg": "...", "type": "..."}]}`` listing each bad field (Ninja's own validation shape).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from kolbridge.core.errors import DomainError, Invalid
from kolbridge.core.services import token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` for integrations; tokens are stored hashed."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Kolbridge API",
    version="1",
    description=(
        "Medical Affairs platform API. Every answer passes through the compliance firewall: "
        "records the caller may not see answer 404, actions the role may not take answer 403 "
        "with the rule that refused them."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api-v1",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, Invalid):
        detail = [
            {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
            for field, messages in exc.errors.items()
            for message in messages
        ]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


api.add_router("/", "kolbridge.core.api.router")
api.add_router("/kols", "kolbridge.kols.api.router")
api.add_router("/interactions", "kolbridge.engagements.api.interactions_router")
api.add_router("/inquiries", "kolbridge.engagements.api.inquiries_router")
api.add_router("/follow-ups", "kolbridge.engagements.api.follow_ups_router")
api.add_router("/content/items", "kolbridge.content.api.items_router")
api.add_router("/content/review-queue", "kolbridge.content.api.review_router")
api.add_router("/content/modules", "kolbridge.content.api.modules_router")
api.add_router("/content/presentations", "kolbridge.content.api.presentations_router")
api.add_router("/content/share-links", "kolbridge.content.api.share_links_router")
api.add_router("/content/email-templates", "kolbridge.content.api.email_templates_router")
api.add_router("/insights", "kolbridge.insights.api.insights_router")
api.add_router("/themes", "kolbridge.insights.api.themes_router")
api.add_router("/insight-actions", "kolbridge.insights.api.actions_router")
api.add_router("/pm-questions", "kolbridge.insights.api.questions_router")
api.add_router("/adverse-events", "kolbridge.insights.api.ae_router")
