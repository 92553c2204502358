"""The dashboard's one navigation. Each entry is shown only once its page exists (its URL reverses)."""

from django.urls import NoReverseMatch, reverse

NAV = [
    ("Overview", "dashboard:overview"),
    ("Review queue", "actions:queue"),
    ("Orders", "orders_dashboard:list"),
    ("Operations", "operations:list"),
    ("End users", "embed:end_users"),
    ("Events", "embed:events"),
    ("Webhooks", "webhooks:list"),
    ("Tracking pages", "tracking:list"),
    ("Embed config", "embed:config"),
    ("API keys", "dashboard:api_keys"),
]


def nav_items(current_path: str) -> list[dict]:
    items = []
    for label, name in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = current_path == url or (
            url != reverse("dashboard:overview") and current_path.startswith(url)
        )
        items.append({"label": label, "url": url, "active": active})
    return items
