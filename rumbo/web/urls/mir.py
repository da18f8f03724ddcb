"""URLs of the mir pages (issue 5)."""

urlpatterns: list = []
