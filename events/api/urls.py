"""API routes under /api/; anything else under /api/ answers 404 in the API's error shape."""
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views
from .periods import PeriodsView

app_name = "api"

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("sources", views.SourceViewSet, basename="source")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("kinds", views.KindViewSet, basename="kind")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("entities/<str:slug>/history/", views.EntityHistoryView.as_view(), name="entity-history"),
    path("state/", views.StateView.as_view(), name="state"),
    path("state/diff/", views.StateDiffView.as_view(), name="state-diff"),
    path("periods/", PeriodsView.as_view(), name="periods"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not-found"),  # [\s\S], not ".": a newline in the path too
]
