"""API views: parse the request, call one function of the store or the queries, render the answer."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from events import queries, store
from events.documents import diff_document, state_document_at
from events.domain import diffs
from events.domain.dates import InvalidDate, parse_day, parse_moment
from events.domain.kinds import KINDS
from events.filters import EntityFilterSet, EventFilterSet, SourceFilterSet
from events.models import Entity, Event, Organisation, Source

from . import serializers as api
from .caching import by_log_head
from .idempotency import respond_once
from .schema import DIFF_DOCUMENT, IDEMPOTENCY_KEY, STATE_DOCUMENT, WRITE_ERRORS, errors

DEFAULT_ORGANISATION = "sco"  # as the CLI and the pages default


def _read(parse: Callable[[str], Any], value: Any) -> Any:
    try:
        return parse(value)
    except InvalidDate as exc:
        raise serializers.ValidationError(str(exc)) from None


class DayField(serializers.DateField):
    """A day, YYYY-MM-DD, read as the CLI, the pages and the admin read it."""

    def to_internal_value(self, value):
        return _read(parse_day, value)


class MomentField(serializers.DateTimeField):
    """An ISO datetime, or a day meaning its end (as the CLI's --known-at); naive means UTC."""

    def to_internal_value(self, value):
        return self.enforce_timezone(_read(parse_moment, value))


class StateParams(serializers.Serializer):
    at = DayField(required=False, help_text="The day, YYYY-MM-DD (default: today).")
    known_at = MomentField(
        required=False, help_text="What we believed at this moment: ISO datetime, or a day meaning its end (default: now)."
    )
    org = serializers.SlugField(default=DEFAULT_ORGANISATION, help_text="Organisation slug.")

    def validate_org(self, slug: str) -> Organisation:
        try:
            return queries.organisation_by_slug(slug)
        except Organisation.DoesNotExist:
            raise serializers.ValidationError(f"no organisation {slug!r}") from None


class DiffParams(StateParams):
    def get_fields(self):
        fields = super().get_fields()
        del fields["at"]
        return {
            "from": DayField(help_text="The earlier day, YYYY-MM-DD."),
            "to": DayField(help_text="The later day, YYYY-MM-DD."),
            **fields,
        }

    def validate(self, params):
        if params["from"] > params["to"]:
            raise serializers.ValidationError({"to": ["is before from"]})
        return params


def _validated(serializer_class, data) -> dict:
    """Query parameters or a body, checked by a serializer; a 400 naming each bad field otherwise."""
    checked = serializer_class(data=data)
    checked.is_valid(raise_exception=True)
    return checked.validated_data


def _events_prefix(request) -> str:
    return request.build_absolute_uri(reverse("api:event-list"))


class ApiRootView(APIView):
    """Links to every collection. Also the benchmark's baseline: no database query."""

    @extend_schema(
        summary="Links to the collections",
        responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}, **errors()},
    )
    def get(self, request):
        names = [
            "event-list", "source-list", "entity-list", "organisation-list", "kind-list", "state", "state-diff", "periods",
            "schema", "docs",
        ]
        return Response({name.removesuffix("-list"): api_reverse(f"api:{name}", request=request) for name in names})


@extend_schema_view(
    list=extend_schema(
        summary="The event log, filtered",
        description="Partial dates meet `occurred_after`/`occurred_before` by overlap: an event dated 2017 "
        "(2017-01-01..2017-12-31) matches occurred_after=2017-06-01 and occurred_before=2017-06-01. "
        "Retracted events are left out unless include_retracted=true. Cursor-paginated: follow `next`.",
        responses={200: api.EventDocument(many=True), **errors(400)},
    ),
    retrieve=extend_schema(
        summary="One event, with the events that correct or retract it and those it corrects or retracts",
        responses={200: api.EventDocument, **errors(404)},
    ),
    create=extend_schema(
        summary="Append an event (needs events.add_event)",
        request=api.AppendRequest, parameters=[IDEMPOTENCY_KEY],
        responses={201: api.EventDocument, **errors(*WRITE_ERRORS)},
    ),
)
class EventViewSet(viewsets.GenericViewSet):
    # Rows built once and cloned per request: building them cost more than the page's SQL.
    queryset = api.event_rows(Event.objects.order_by("seq"))
    serializer_class = api.EventDocument
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilterSet
    lookup_value_regex = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
    write_permissions = {"create": "events.add_event", "correct": "events.correct_event", "retract": "events.retract_event"}

    def list(self, request):
        return by_log_head(("events", request.build_absolute_uri()), self._page)

    def _page(self) -> dict:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(api.event_documents(page, _events_prefix(self.request))).data

    def retrieve(self, request, pk):
        row = api.event_rows(Event.objects.filter(pk=pk)).first()
        if row is None:
            raise NotFound(f"no event {pk}")
        return Response(api.event_documents([row], _events_prefix(request))[0])

    def create(self, request):
        return self._record(api.AppendRequest, store.append)

    @extend_schema(
        summary="Record a correction of the event (needs events.correct_event)",
        description="Fields left out are carried over from the corrected event; `note` says what is fixed.",
        request=api.CorrectRequest, parameters=[IDEMPOTENCY_KEY],
        responses={201: api.EventDocument, **errors(404, *WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk):
        return self._record(api.CorrectRequest, partial(store.correct, event=self._target(pk)))

    @extend_schema(
        summary="Record a retraction of the event (needs events.retract_event)",
        request=api.RetractRequest, parameters=[IDEMPOTENCY_KEY],
        responses={201: api.EventDocument, **errors(404, *WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def retract(self, request, pk):
        return self._record(api.RetractRequest, partial(store.retract, event=self._target(pk)))

    def _target(self, pk) -> Event:
        event = Event.objects.with_relations().filter(pk=pk).first()
        if event is None:
            raise NotFound(f"no event {pk}")
        return event

    def _record(self, body_class, record: Callable[..., Event]) -> Response:
        """Validate the body, record the event under the user's name (once per Idempotency-Key), answer 201."""
        fields = _validated(body_class, self.request.data)

        def created() -> Response:
            event = record(recorded_by=self.request.user.username, **fields)
            document = self.retrieve(self.request, event.pk).data
            return Response(document, status=status.HTTP_201_CREATED, headers={"Location": document["url"]})

        return respond_once(self.request, created)


@extend_schema_view(
    list=extend_schema(summary="Sources, filtered", responses={200: api.SourceSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="One source", responses={200: api.SourceSerializer, **errors(404)}),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Source.objects.order_by("key")
    serializer_class = api.SourceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SourceFilterSet
    lookup_field = "key"


@extend_schema_view(
    list=extend_schema(summary="Entities, filtered", responses={200: api.EntitySerializer(many=True), **errors(400)}),
    retrieve=extend_schema(summary="One entity, by slug or ISO3 code", responses={200: api.EntitySerializer, **errors(404)}),
)
class EntityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Entity.objects.select_related("country").prefetch_related("aliases").order_by("slug")
    serializer_class = api.EntitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EntityFilterSet
    lookup_field = "slug"

    def get_object(self) -> Entity:
        return _entity(self.kwargs["slug"])


class EntityHistoryView(generics.GenericAPIView):
    """The events about an entity or naming it; the events list's filters apply."""

    queryset = Event.objects.all()
    serializer_class = api.EventDocument
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no entity
            return Event.objects.none()
        return queries.timeline(entity=self.entity)

    @extend_schema(
        summary="An entity's history: the events about it or naming it, in valid-time order",
        description="The same filters and ordering as /api/events/; the default ordering is `occurred`.",
        responses={200: api.EntityHistoryDocument, **errors(400, 404)},
    )
    def get(self, request, slug):
        return by_log_head(("history", request.build_absolute_uri()), lambda: self._page(slug))

    def _page(self, slug: str) -> dict:
        self.entity = _entity(slug)
        page = self.paginate_queryset(api.event_rows(self.filter_queryset(self.get_queryset())))
        return self.paginator.get_paginated_response(
            api.event_documents(page, _events_prefix(self.request)), entity=api.EntitySerializer(self.entity).data
        ).data


def _entity(reference: str) -> Entity:
    entity = queries.entity_by_reference(reference)
    if entity is None:
        raise NotFound(f"no entity with slug or ISO3 {reference!r}")
    return entity


@extend_schema_view(
    list=extend_schema(
        summary="Organisations with their declared statuses, offices and meeting types",
        responses={200: api.OrganisationSerializer(many=True), **errors(400)},
    ),
    retrieve=extend_schema(summary="One organisation", responses={200: api.OrganisationSerializer, **errors(404)}),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.prefetch_related("statuses", "offices", "meeting_types").order_by("slug")
    serializer_class = api.OrganisationSerializer
    lookup_field = "slug"


class KindViewSet(viewsets.ViewSet):
    """The kind registry: what each kind of event is about and which payload fields it takes."""

    pagination_class = None

    @extend_schema(summary="Kinds of event and their payload fields", responses={200: api.KindDocument(many=True), **errors()})
    def list(self, request):
        return Response([api.kind_document(name) for name in KINDS])


class StateView(APIView):
    @extend_schema(
        summary="The organisation on a date, as believed at a moment",
        description="The same document as `manage.py state --format json`.",
        parameters=[StateParams],
        responses={200: STATE_DOCUMENT, **errors(400)},
    )
    def get(self, request):
        params = _validated(StateParams, request.query_params)
        organisation, known_at = params["org"], params.get("known_at")
        at = params.get("at") or timezone.now().date()
        return by_log_head(
            ("state", organisation.slug, at, known_at),
            lambda: state_document_at(organisation, at, known_at),
        )


class StateDiffView(APIView):
    @extend_schema(
        summary="What changed between two dates",
        description="Who joined, left or changed status and which offices changed hands between `from` and "
        "`to`, each with the events that caused it. Compares the two states: a change undone in between is "
        "not a difference.",
        parameters=[DiffParams],
        responses={200: DIFF_DOCUMENT, **errors(400)},
    )
    def get(self, request):
        params = _validated(DiffParams, request.query_params)
        organisation, start, end, known_at = params["org"], params["from"], params["to"], params.get("known_at")

        def answer():
            before, after = (queries.state_at(organisation, day, known_at) for day in (start, end))
            return diff_document(organisation, start, end, known_at, diffs.changes(before, after))

        return by_log_head(("diff", organisation.slug, start, end, known_at), answer)


class NotFoundView(APIView):
    """Any other path under /api/: a 404 in the API's error shape, whatever the method."""

    schema = None

    def missing(self, request, *args, **kwargs):
        hint = "" if request.path.endswith("/") else " (API paths end with a slash)"
        raise NotFound(f"no API resource at {request.path}{hint}")

    get = post = put = patch = delete = head = options = missing
