from orderly.dashboard.access import is_organization_admin
from orderly.dashboard.nav import nav_items


def dashboard(request):
    if not request.path.startswith("/dashboard/"):
        return {}
    membership = getattr(request.user, "membership", None) if request.user.is_authenticated else None
    return {
        "nav_items": nav_items(request.path, is_admin=is_organization_admin(request.user)),
        "current_organization": membership.organization if membership else None,
    }
