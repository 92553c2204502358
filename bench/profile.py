"""CPU per request of each benchmarked endpoint and its floor, in process: no wrk, no sockets.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python -m bench.profile      # after a bench.run made the data set
    N=300 ROUNDS=6 ONLY="orders/{id}" PROFILE=1 .venv/bin/python -m bench.profile

The WSGI handler is called directly, product and floor alternating in ROUNDS rounds of N/ROUNDS
requests; the best round of each is reported (a shared machine only ever adds time). `ONLY` picks
endpoints by a part of their name; `PROFILE=1` prints pyinstrument's call tree for the product
(`pip install pyinstrument`, the `bench` extra), `PROFILE=cprofile` the functions with the most
own time, for the product and for its floor (`TOP=30` of them).
"""

import io
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def wsgi_get_environ(path: str, headers: dict) -> dict:
    """A GET of `path` as a WSGI server would hand it over; `headers` already in environ form
    (`HTTP_AUTHORIZATION`, …). Shared by this profile and the scale part."""
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8899",
        "HTTP_HOST": "127.0.0.1:8899",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        **headers,
    }


def main():
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from bench import scenarios
    from orderly.accounts.models import Organization

    count = int(os.environ.get("N", "300"))
    rounds = int(os.environ.get("ROUNDS", "6"))
    only = os.environ.get("ONLY", "")
    app = WSGIHandler()

    def call(path, headers):
        environ = wsgi_get_environ(path, headers)
        status = []
        result = app(environ, lambda line, _headers, *rest: status.append(line))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        assert status[0].startswith("200"), (path, status, body[:300])

    def run(path, headers, n):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            call(path, headers)
        return (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000

    for target in scenarios.targets(Organization.objects.get(slug="bench")):
        if only and only not in target["name"]:
            continue
        headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in target["headers"].items()}
        measured = {"product": [], "floor": []}
        for kind in measured:
            if target[kind]:
                run(target[kind], headers, 20)  # warm up
        for _ in range(rounds):
            for kind in measured:
                if target[kind]:
                    measured[kind].append(run(target[kind], headers, max(1, count // rounds)))
        cpu, wall = min(measured["product"])
        line = f"{target['name']:<40} product {cpu:6.2f} ms cpu {wall:6.2f} ms wall"
        if target["floor"]:
            floor_cpu, floor_wall = min(measured["floor"])
            line += f" | floor {floor_cpu:6.2f} ms cpu {floor_wall:6.2f} ms wall | cpu ratio {floor_cpu / cpu:.2f}"
        print(line, flush=True)
        if os.environ.get("PROFILE") == "cprofile":
            for kind in ("product", "floor"):
                if target[kind]:
                    _cprofile(run, (target[kind], headers, count), kind)
        elif os.environ.get("PROFILE"):
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            run(target["product"], headers, count)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))


def _cprofile(work, args: tuple, label: str) -> None:
    """CPU by function (cProfile: deterministic, so the database's wait is in the C calls that
    wait on the socket, and pure Python is over-weighted)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(work, *args)
    print(f"--- {label}: by own time")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(int(os.environ.get("TOP", "30")))


if __name__ == "__main__":
    main()
