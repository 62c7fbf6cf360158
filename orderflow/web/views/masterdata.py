"""(filled by its capability)."""

urlpatterns: list = []
