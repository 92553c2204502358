from orderly.orders.models import Order


def overview_stats(*, organization) -> list[dict]:
    from embed.models import EndUser

    return [
        {"label": "End users", "value": EndUser.objects.for_organization(organization).count()},
        {"label": "Orders", "value": Order.objects.for_organization(organization).count()},
    ]
