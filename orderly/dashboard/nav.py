"""The dashboard's one navigation. Every entry names a page that exists: a name that does not
reverse is a NoReverseMatch on every page, not an entry quietly left out."""

from django.urls import reverse

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
# Pages only an organization's admins may open (orderly.dashboard.access.AdminRequiredMixin).
ADMIN_ONLY = {"embed:config", "dashboard:api_keys"}


def nav_items(current_path: str, *, is_admin: bool = True) -> list[dict]:
    overview = reverse("dashboard:overview")
    items = []
    for label, name in NAV:
        if name in ADMIN_ONLY and not is_admin:
            continue
        url = reverse(name)
        active = current_path == url or (url != overview and current_path.startswith(url))
        items.append({"label": label, "url": url, "active": active})
    return items
