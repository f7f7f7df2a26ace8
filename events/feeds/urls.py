"""Feed routes: /feeds/ (the list), /feeds/events.atom|rss, /feeds/entities/<slug>.*, /feeds/kinds/<kind>.*, /feeds/changes.*."""
from django.urls import path, register_converter

from .declarations import ChangesFeed, EntityFeed, EventFeed, KindFeed
from .documents import Format
from .views import index, serve


class FormatConverter:
    regex = "atom|rss"

    def to_python(self, value: str) -> Format:
        return Format[value.upper()]

    def to_url(self, value: Format | str) -> str:
        return value.extension if isinstance(value, Format) else value


register_converter(FormatConverter, "feedformat")

app_name = "feeds"

urlpatterns = [
    path("", index, name="index"),
    path("events.<feedformat:format>", serve(EventFeed()), name="events"),
    path("entities/<slug:slug>.<feedformat:format>", serve(EntityFeed()), name="entity"),
    path("kinds/<str:kind>.<feedformat:format>", serve(KindFeed()), name="kind"),
    path("changes.<feedformat:format>", serve(ChangesFeed()), name="changes"),
]
