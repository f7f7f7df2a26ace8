"""Feed routes (filled in by the feeds work)."""
urlpatterns: list = []
