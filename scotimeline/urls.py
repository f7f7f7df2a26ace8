from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("events.api.urls")),
    path("feeds/", include("events.feeds.urls")),
    path("", include("events.web.urls")),
]
