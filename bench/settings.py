"""Settings for benchmark runs: the product's settings plus the floor views' urlconf."""

from orderly.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"auto_session": "1000000/min", "public": "1000000/min"},
}
