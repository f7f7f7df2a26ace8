"""Ingest in the admin: upload documents, review candidates (accept, accept with edits, reject with a reason).

Thin: every change goes through ingest.tasks / ingest.pipeline; refusals become messages or form errors.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.domain.errors import EventError, ValidationError

from . import pipeline, review, tasks
from .forms import AcceptForm, RejectForm, UploadForm, show_refusal
from .models import Candidate, Document, Upload

CONTEXT_CHARS = 400


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen, never edited here: uploads change through their task, candidates through accept and reject."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["file_name", "source", "published_display", "status", "pending", "total", "ingested_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["file_name", "source__title"]
    list_select_related = ["source"]
    readonly_fields = ["file_name", "source", "organisation", "published_display", "encoding", "status", "ingested_by", "ingested_at", "candidates_link"]
    exclude = ["text", "published_earliest", "published_latest", "published_precision"]

    def get_queryset(self, request):
        pending = Count("candidates", filter=Q(candidates__status=Candidate.Review.PENDING))
        return super().get_queryset(request).annotate(pending_count=pending, total_count=Count("candidates"))

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, document: Document) -> int:
        return document.pending_count

    @admin.display(description="candidates", ordering="total_count")
    def total(self, document: Document) -> int:
        return document.total_count

    @admin.display(description="published")
    def published_display(self, document: Document) -> str:
        return document.published.display() if document.published else "unknown"

    @admin.display(description="review")
    def candidates_link(self, document: Document) -> str:
        url = reverse("admin:ingest_candidate_changelist") + f"?document__id__exact={document.pk}&review=all"
        return format_html('<a href="{}">{} candidates</a>', url, document.candidates.count())

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        """The upload form: the file is stored first, enqueued after commit, and the page answers at once
        with the upload's status; a worker (in-process when eager) ingests it."""
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    upload = pipeline.store_upload(
                        data["file"].read(), name=data["file"].name, organisation=data["organisation"],
                        published=data["published"], title=data["title"], publisher=data["publisher"], kind=data["kind"],
                        ingested_by=request.user.get_username(), auto_accept_above=data["auto_accept_above"],
                    )
                    tasks.enqueue_after_commit(upload)
            except ValidationError as exc:
                show_refusal(form, exc)
            else:
                upload.refresh_from_db(fields=["status", "reason", "document"])
                self.message_user(request, f"Uploaded {upload.file_name}: {upload.status}. {upload.reason}".strip(), UPLOAD_LEVEL[upload.status])
                return HttpResponseRedirect(reverse("admin:ingest_upload_change", args=[upload.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "title": "Ingest a document"}
        return TemplateResponse(request, "admin/ingest/upload.html", context)


UPLOAD_LEVEL = {
    Upload.Status.QUEUED: messages.INFO, Upload.Status.RUNNING: messages.INFO,
    Upload.Status.DONE: messages.SUCCESS, Upload.Status.FAILED: messages.ERROR,
}


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    """Each uploaded file and how its ingest went: queued, running, done (with its document) or failed (with why).
    The page refreshes itself until the upload is finished."""

    list_display = ["file_name", "status", "reason", "document_link", "uploaded_at", "ingested_by"]
    list_filter = ["status"]
    search_fields = ["file_name"]
    list_select_related = ["document"]
    fields = readonly_fields = [
        "file_name", "status", "reason", "document_link", "organisation", "source_kind", "published_display",
        "title", "publisher", "auto_accept_above", "ingested_by", "uploaded_at", "started_at", "finished_at", "attempts",
    ]

    @admin.display(description="published")
    def published_display(self, upload: Upload) -> str:
        return upload.published.display() if upload.published else "unknown"

    @admin.display(description="document")
    def document_link(self, upload: Upload) -> str:
        if upload.document_id is None:
            return "-"
        url = reverse("admin:ingest_candidate_changelist") + f"?document__id__exact={upload.document_id}&review=all"
        return format_html('<a href="{}">{} — its candidates</a>', url, upload.document)

    def render_change_form(self, request, context, *args, **kwargs):
        context["refresh_seconds"] = None if context["original"].finished else REFRESH_SECONDS
        return super().render_change_form(request, context, *args, **kwargs)


REFRESH_SECONDS = 3


class ReviewFilter(admin.SimpleListFilter):
    """Pending candidates unless asked otherwise: the curator's queue."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("pending", "pending"), ("accepted", "accepted"), ("rejected", "rejected"), ("all", "all")]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "pending") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "pending"
        return queryset if value == "all" else queryset.filter(status=value)


class CandidateChangeList(ChangeList):
    """The queue's page: each pending candidate learns the event already holding its fact (one query for the
    page), and the way back to this very list (its filters) for its Accept and Reject links."""

    def get_results(self, request):
        super().get_results(request)
        review.mark_recorded(self.result_list)
        back = urlencode({"_changelist_filters": request.GET.urlencode()}) if request.GET else ""
        for candidate in self.result_list:
            candidate.back = back


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["id", "assertion", "evidence_short", "source_line", "review_links"]
    list_display_links = ["id"]
    list_filter = [ReviewFilter, "kind", "expectation", "document"]
    search_fields = ["subject_text", "evidence", "subject__name"]
    list_select_related = ["subject", "document", "event"]
    actions = ["accept_selected", "reject_selected"]
    readonly_fields = [
        "review_links", "kind", "subject_display", "payload", "date_display", "confidence", "expectation",
        "evidence_in_context", "source_line", "rule", "status", "reviewed_by", "reviewed_at", "reason", "event_link",
    ]
    fields = readonly_fields

    def get_changelist(self, request, **kwargs):
        return CandidateChangeList

    def get_object(self, request, object_id, from_field=None):
        candidate = super().get_object(request, object_id, from_field)
        if candidate is not None:
            review.mark_recorded([candidate])
            candidate.back = self.get_preserved_filters(request)
        return candidate

    def has_accept_permission(self, request) -> bool:
        return request.user.has_perm("events.add_event")

    @admin.display(description="subject")
    def subject_display(self, candidate: Candidate) -> str:
        return str(candidate.subject) if candidate.subject else f"? {candidate.subject_text} (unresolved)"

    @admin.display(description="date")
    def date_display(self, candidate: Candidate) -> str:
        shown = candidate.date.display() if candidate.date else "unknown"
        return f"{shown} ({candidate.date_text})" if candidate.date_text and candidate.date_text != shown else shown

    @admin.display(description="candidate")
    def assertion(self, candidate: Candidate) -> str:
        expected = mark_safe(' <strong class="expected">expected</strong>') if candidate.expectation else ""
        return format_html(
            '<span class="kind">{}</span><br><strong>{}</strong> {}<br>{} · confidence {}{}', candidate.kind,
            self.subject_display(candidate), candidate.value or "", self.date_display(candidate), f"{candidate.confidence:.2f}", expected,
        )

    @admin.display(description="where")
    def source_line(self, candidate: Candidate) -> str:
        return f"{candidate.document.file_name}, line {candidate.line}"

    @admin.display(description="evidence")
    def evidence_short(self, candidate: Candidate) -> str:
        return candidate.evidence if len(candidate.evidence) < 240 else candidate.evidence[:237] + "..."

    @admin.display(description="evidence in context")
    def evidence_in_context(self, candidate: Candidate) -> str:
        text = candidate.document.text
        start, end = candidate.evidence_start, candidate.evidence_end
        before = text[max(0, start - CONTEXT_CHARS):start]
        after = text[end:end + CONTEXT_CHARS]
        return format_html(
            '<div style="white-space: pre-wrap; max-width: 60em">…{}<mark>{}</mark>{}…</div>', before, text[start:end], after
        )

    @admin.display(description="event")
    def event_link(self, candidate: Candidate) -> str:
        return _event_link(candidate.event) if candidate.event_id else "-"

    @admin.display(description="review")
    def review_links(self, candidate: Candidate) -> str:
        """Status, the event a pending candidate duplicates, and its Accept / Reject links (back to the same list)."""
        if candidate.status == Candidate.Review.ACCEPTED:
            return format_html("accepted as {}", _event_link(candidate.event))
        if candidate.status == Candidate.Review.REJECTED:
            return format_html("rejected: {}", candidate.reason)
        back = f"?{candidate.back}" if getattr(candidate, "back", "") else ""
        accept = reverse("admin:ingest_candidate_accept", args=[candidate.pk]) + back
        reject = reverse("admin:ingest_candidate_reject", args=[candidate.pk]) + back
        recorded = getattr(candidate, "recorded_as", None)
        flag = format_html('<p class="recorded-as">already recorded as {}</p>', _event_link(recorded)) if recorded else ""
        return format_html(
            '{}pending {}<br><a class="button" href="{}">Accept…</a> <a class="button" href="{}">Reject…</a>',
            flag, "(expected)" if candidate.expectation else "", accept, reject,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", view(self.accept_view), name="ingest_candidate_accept"),
            path("<int:pk>/reject/", view(self.reject_view), name="ingest_candidate_reject"),
            *super().get_urls(),
        ]

    @admin.action(description="Accept selected candidates", permissions=["accept"])
    def accept_selected(self, request, queryset):
        events, refused = pipeline.accept_many(queryset.filter(status=Candidate.Review.PENDING), request.user.get_username())
        self.message_user(request, f"{len(events)} candidates accepted.")
        for pk, reason in refused.items():
            self.message_user(request, f"candidate {pk} not accepted: {reason}", messages.WARNING)

    @admin.action(description="Reject selected candidates…", permissions=["accept"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            done, refused = pipeline.reject_many(queryset, request.user.get_username(), form.cleaned_data["reason"])
            self.message_user(request, f"{done} candidates rejected.")
            for pk, reason in refused.items():
                self.message_user(request, f"candidate {pk} not rejected: {reason}", messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request), "form": form, "candidates": queryset, "opts": self.model._meta,
            "title": "Reject candidates", "action": "reject_selected", "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/ingest/reject.html", context)

    def accept_view(self, request, pk: int):
        candidate = get_object_or_404(Candidate.objects.select_related("document", "subject"), pk=pk)
        if not self.has_accept_permission(request):
            return HttpResponseRedirect(reverse("admin:ingest_candidate_change", args=[pk]))
        form = AcceptForm.for_candidate(
            candidate, request.POST or None, admin_site=self.admin_site,
            can_create_entities=request.user.has_perm("events.add_entity"),
        )
        if request.method == "POST" and form.is_valid():
            try:
                event = pipeline.accept(candidate, request.user.get_username(), form.edits(candidate), **form.accept_options())
            except ValidationError as exc:
                show_refusal(form, exc)
            except EventError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, format_html("Accepted: event {} appended.", _event_link(event)))
                return self._back_to_list(request)
        return self._review_page(request, candidate, form, "Accept candidate")

    def reject_view(self, request, pk: int):
        candidate = get_object_or_404(Candidate.objects.select_related("document", "subject"), pk=pk)
        if not self.has_accept_permission(request):
            return HttpResponseRedirect(reverse("admin:ingest_candidate_change", args=[pk]))
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                pipeline.reject(candidate, request.user.get_username(), form.cleaned_data["reason"])
            except EventError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, "Rejected.")
                return self._back_to_list(request)
        return self._review_page(request, candidate, form, "Reject candidate")

    def _back_to_list(self, request) -> HttpResponseRedirect:
        """To the list the curator came from, with its filters (the document, the review status)."""
        filters = request.GET.get("_changelist_filters", "")
        url = reverse("admin:ingest_candidate_changelist")
        return HttpResponseRedirect(f"{url}?{filters}" if filters else url)

    def _review_page(self, request, candidate: Candidate, form, title: str):
        context = {
            **self.admin_site.each_context(request), "form": form, "candidate": candidate, "opts": self.model._meta,
            "title": title, "evidence": self.evidence_in_context(candidate),
            "recorded_as": getattr(form, "recorded_as", None), "media": form.media,
        }
        return TemplateResponse(request, "admin/ingest/review.html", context)


def _event_link(event) -> str:
    """An event, named as everywhere: by its seq."""
    return format_html('<a href="{}">#{}</a>', reverse("admin:events_event_change", args=[event.pk]), event.seq)
