"""The public web pages: thin views over events.queries and events.documents; templates/ does the markup."""
from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", views.timeline, name="timeline"),
    path("state/", views.state, name="state"),
    path("state/diff/", views.state_diff, name="state-diff"),
    path("chart/", views.chart, name="chart"),
    path("entities/", views.entity_index, name="entities"),
    path("entities/<slug:slug>/", views.entity, name="entity"),
    path("sources/<slug:key>/", views.source, name="source"),
    path("events/<uuid:event_id>/", views.event_detail, name="event"),
]
