"""Cost flat in data size (`--only scale`): each hot endpoint's p50 at today's data set and at ten
times it, and at ten times it the orders search against an exact-match lookup and a deep page
against the first.

Today's data set is the one in DATABASE_URL's database (`bench.dataset`, factor 1); the 10× one
(1,000,000 orders, 100,000 pending requests, 1,000,000 events …) lives beside it in a database of
the same name with `_x10` appended, generated on first use (minutes: `INSERT … SELECT`). Both are
served by the product in this process (the WSGI handler called directly, as `bench.profile` does:
no wrk, no network, one request at a time, so the figure is the request's own cost); the
databases alternate endpoint by endpoint, a few requests at a time (a live connection to each), so
a change in the machine's load falls on both alike. Reported:
the median wall time of every request of each endpoint on each data set, and the ratios.

Targets: 10× p50 ≤ 1.3 × 1× p50 for each endpoint; at 10×, the search ≤ 1.3 × an exact-match
lookup (the same API view, its list filtered on `order_number =` instead of the search; the view is
`bench.floor.OrdersExactView`); page 500 ≤ 1.5 × page 1.
"""

import statistics
import time

SCALE_SUFFIX = "_x10"
# An order number and an external id that exist at both sizes (1×: 100000 … 199999, ext_0 …).
ORDER_NUMBER = "150123"
EXTERNAL_ID = "ext_51234"
# At 10× these match 2 and 11 orders (order 150123 and the one whose external id is ext_150123;
# ext_51234, ext_512340 …), the exact lookup one: the answers' sizes differ. A whole id of the 10×
# set (order numbers 100000 … 1099999) matches only itself there (none at 1×), as the exact lookup
# does: the search's own cost against it.
WHOLE_ORDER_NUMBER = "1050123"
WHOLE_EXTERNAL_ID = "ext_999999"


def _use_database(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def _ensure_scaled(name: str, log) -> None:
    """The 10× database: created, migrated and generated when missing."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    from bench import dataset

    params = {k: connection.settings_dict[v] or None for k, v in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    _use_database(name)
    call_command("migrate", verbosity=0)
    log(f"data set ×10 ({name}):")
    dataset.dataset_ensure(factor=10, log=log)


def _targets(org) -> list[dict]:
    """Every endpoint of the http part, plus the search, its exact-match reference and deep pages."""
    from bench import scenarios
    from orderly.accounts.services import api_key_create

    targets = [{"name": t["name"], "path": t["product"], "headers": t["headers"]} for t in scenarios.targets(org)]
    _key, token = api_key_create(
        organization=org, user=org.memberships.first().user, name="bench scale", scopes=["orders:read", "embed:manage"]
    )
    api_key = {"Authorization": f"Bearer {token}"}
    staff = next(t["headers"] for t in targets if t["name"].startswith("GET /dashboard/requests/"))
    extra = [
        ("GET orders?search=<order number>", f"/api/v1/orders?search={ORDER_NUMBER}", api_key),
        ("GET orders?search=<external id>", f"/api/v1/orders?search={EXTERNAL_ID}", api_key),
        ("GET orders?search=<whole order number>", f"/api/v1/orders?search={WHOLE_ORDER_NUMBER}", api_key),
        ("GET orders?search=<whole external id>", f"/api/v1/orders?search={WHOLE_EXTERNAL_ID}", api_key),
        ("exact: GET orders, order_number =", f"/floor/orders-exact?number={ORDER_NUMBER}", api_key),
        ("GET /dashboard/orders/?search=", f"/dashboard/orders/?search={ORDER_NUMBER}", staff),
        ("GET orders?limit=20 (page 1)", "/api/v1/orders?limit=20", api_key),
        ("GET orders?limit=20&page=500", "/api/v1/orders?limit=20&page=500", api_key),
        ("GET embed/events?limit=50&page=500", "/api/v1/embed/events?limit=50&page=500", api_key),
        ("GET action-requests/queue (page 1)", "/api/v1/embed/action-requests/queue?limit=20", api_key),
        ("GET action-requests/queue?page=500", "/api/v1/embed/action-requests/queue?limit=20&page=500", api_key),
    ]
    return targets + [{"name": n, "path": p, "headers": h} for n, p, h in extra]


def _caller():
    from django.core.handlers.wsgi import WSGIHandler

    from bench.profile import wsgi_get_environ

    app = WSGIHandler()

    def call(path: str, headers: dict) -> float:
        environ = wsgi_get_environ(path, {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        status = []
        started = time.perf_counter()
        result = app(environ, lambda line, _headers, *rest: status.append(line))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        elapsed = time.perf_counter() - started
        assert status[0].startswith("200"), (path, status, body[:300])
        return elapsed * 1000

    return call


def _connections_for(names: dict) -> dict:
    """A live connection to each database under the alias `default`, to swap between requests:
    switching by reconnecting would put a connection's set-up into the timings."""
    from django.db import connections

    base = connections["default"]
    return {size: base.__class__({**base.settings_dict, "NAME": name}, alias="default") for size, name in names.items()}


def scale_bench(*, rounds: int = 10, requests: int = 10, log=print) -> dict:
    from django.db import connection, connections

    from bench import dataset
    from orderly.accounts.models import Organization

    base = connection.settings_dict["NAME"]
    scaled = base + SCALE_SUFFIX
    _ensure_scaled(scaled, log)
    _use_database(base)
    sizes = {"1x": base, "10x": scaled}
    original = connections["default"]
    live = _connections_for(sizes)
    targets = {}
    try:
        for size in sizes:
            connections["default"] = live[size]
            org = Organization.objects.get(slug=dataset.SLUG)
            targets[size] = _targets(org)
        call = _caller()
        names = [t["name"] for t in targets["1x"]]
        samples = {size: {name: [] for name in names} for size in sizes}
        for size in sizes:  # warm up: the tables' hot pages, the throttle's and the page caches
            connections["default"] = live[size]
            for target in targets[size]:
                for _ in range(5):
                    call(target["path"], target["headers"])
        # Each endpoint on each database in turn, a few requests at a time, so a change in the
        # machine's load falls on both sizes alike.
        for round_number in range(rounds):
            for index, name in enumerate(names):
                for size in sizes:
                    connections["default"] = live[size]
                    target = targets[size][index]
                    for _ in range(requests):
                        samples[size][name].append(call(target["path"], target["headers"]))
            log(f"  round {round_number + 1}/{rounds}")
    finally:
        for wrapper in live.values():
            wrapper.close()
        connections["default"] = original

    p50 = {size: {n: statistics.median(v) for n, v in by_name.items()} for size, by_name in samples.items()}
    rows = [
        {"endpoint": n, "p50_1x_ms": p50["1x"][n], "p50_10x_ms": p50["10x"][n], "ratio": p50["10x"][n] / p50["1x"][n]}
        for n in p50["1x"]
    ]
    at_10x = p50["10x"]
    exact = at_10x["exact: GET orders, order_number ="]
    checks = {
        "search (order number) ÷ exact at 10×": at_10x["GET orders?search=<order number>"] / exact,
        "search (external id) ÷ exact at 10×": at_10x["GET orders?search=<external id>"] / exact,
        "search, one match (order number) ÷ exact at 10×": at_10x["GET orders?search=<whole order number>"] / exact,
        "search, one match (external id) ÷ exact at 10×": at_10x["GET orders?search=<whole external id>"] / exact,
        "orders page 500 ÷ page 1 at 10×": at_10x["GET orders?limit=20&page=500"] / at_10x["GET orders?limit=20 (page 1)"],
        "event log page 500 ÷ page 1 at 10×": at_10x["GET embed/events?limit=50&page=500"]
        / at_10x["GET embed/events?limit=50"],
        "queue page 500 ÷ page 1 at 10×": at_10x["GET action-requests/queue?page=500"]
        / at_10x["GET action-requests/queue (page 1)"],
    }
    for row in rows:
        log(
            f"{row['endpoint']:<40} 1× p50 {row['p50_1x_ms']:7.2f} ms  10× p50 {row['p50_10x_ms']:7.2f} ms"
            f"  ratio {row['ratio']:.2f} (target ≤ 1.3)"
        )
    for name, value in checks.items():
        log(f"{name:<48} {value:.2f} (target ≤ {1.5 if 'page' in name else 1.3})")
    return {"rounds": rounds, "requests_per_round": requests, "databases": sizes, "rows": rows, "checks": checks}
