"""The feeds' HTTP edge: parse, answer 400/404/304 or the document, with validators and caching headers;
and /feeds/, the page that lists them."""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from events.domain.kinds import KINDS
from events.models import Entity

from . import declarations
from .documents import Format
from .engine import Feed, FeedRequestError


def serve(feed: Feed) -> Callable[..., HttpResponse]:
    """A view for `feed`, in the format its URL names."""

    @require_safe
    def view(request: HttpRequest, format: Format, **kwargs) -> HttpResponse:
        try:
            query = feed.query(request, **kwargs)
        except FeedRequestError as exc:
            return HttpResponseBadRequest(f"{exc}\n", content_type="text/plain; charset=utf-8")
        validators = feed.validators(query)
        modified = int(validators.last_modified.timestamp()) if validators.last_modified else None
        response = get_conditional_response(request, etag=validators.etag, last_modified=modified)
        if response is None:
            response = HttpResponse(feed.document(query, format, validators), content_type=format.content_type)
        response.headers["ETag"] = validators.etag
        if modified is not None:
            response.headers["Last-Modified"] = http_date(modified)
        response.headers["Cache-Control"] = validators.cache_control
        return response

    return view


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """/feeds/: every feed with its parameters, one feed per kind and per state."""
    states = list(Entity.objects.filter(type=Entity.Type.STATE).order_by("name").only("slug", "name"))
    example = next((state for state in states if state.slug == "india"), states[0] if states else None)
    context = {
        "listings": declarations.catalogue(example),
        "kinds": sorted(KINDS.values(), key=lambda kind: kind.label),
        "states": states,
        "feeds": declarations.discovery(),
    }
    return render(request, "feeds/index.html", context)
