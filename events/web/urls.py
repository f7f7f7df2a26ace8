from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("state/", views.state, name="state"),
    path("entities/<slug:slug>/", views.entity_history, name="entity"),
    path("events/<uuid:event_id>/", views.event_detail, name="event"),
]
