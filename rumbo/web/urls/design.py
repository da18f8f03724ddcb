"""URLs of the design pages (issue 5)."""

urlpatterns: list = []
