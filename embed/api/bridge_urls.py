"""Bridge routes (bridge types, bridges CRUD, test, Shopify OAuth)."""

urlpatterns: list = []
