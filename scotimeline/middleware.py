"""Guards in front of every view: input no view can use is refused, and a database outage is a 503.

Each refusal is answered in the shape of the surface asked: the API's JSON error body under the API,
plain text under the feeds, the site's own error page elsewhere (Django renders it for BadRequest).
- A NUL byte in the path, the query, a cookie or a form field is a 400: PostgreSQL cannot store or
  compare one, and no slug, key, name or filter value contains one.
- A body declared larger than the limit is a 413 before anyone reads it: DATA_UPLOAD_MAX_MEMORY_SIZE for
  JSON and forms, REQUEST_MAX_UPLOAD_SIZE for multipart uploads (documents sent to ingest).
- An unreachable database (OperationalError, InterfaceError) is a 503 with Retry-After, not a 500.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse

from events.api.errors import error_body
from events.api.renderers import json_bytes

NUL = "\x00"
DATABASE_ERRORS = (OperationalError, InterfaceError)


class RequestGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refusal(request) or self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        limit = body_limit(request)
        if declared_length(request) > limit:
            return answer(request, 413, "request_too_large", f"the request body is over the limit of {limit} bytes")
        if NUL in request.path or _has_nul(request.GET) or any(NUL in value for value in request.COOKIES.values()):
            return answer(request, 400, "invalid", "the address holds a NUL character")
        # The API takes JSON only (its parser checks it; a form there is its 415), so only other forms are read here.
        if request.method == "POST" and request.content_type in FORM_TYPES and _namespace(request.path_info) != "api":
            try:
                fields = request.POST
            except RequestDataTooBig:  # a multipart body under its limit whose fields (files aside) are over the form limit
                return answer(request, 413, "request_too_large", "the form's fields are over the size limit")
            if _has_nul(fields):
                return answer(request, 400, "invalid", "a form field holds a NUL character")
        return None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return settings.REQUEST_MAX_UPLOAD_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response = answer(request, 503, "service_unavailable", "the database is unavailable; retry shortly")
    response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    return response


def answer(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    """A refusal in the shape of the surface the request addressed."""
    surface = _namespace(request.path_info)
    if surface == "api":
        return HttpResponse(json_bytes(error_body(status, code, detail)), status=status, content_type="application/json")
    if status == 400 and surface != "feeds":
        raise BadRequest(detail)  # Django answers with the site's 400 page
    return HttpResponse(f"{detail}\n", status=status, content_type="text/plain; charset=utf-8")


def _namespace(path: str) -> str:
    """The URL namespace a path belongs to ("api", "feeds", ...), by its prefix when it resolves to no view."""
    try:
        return resolve(path).namespace
    except Resolver404:
        feeds = reverse("feeds:events", kwargs={"format": "atom"}).rpartition("/")[0] + "/"
        return "feeds" if path.startswith(feeds) else ""
