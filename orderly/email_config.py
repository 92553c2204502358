"""Django's e-mail settings from one URL in the environment (`ORDERLY_EMAIL_URL`, or `EMAIL_URL`).

    smtp://user:password@mail.example.com:587            STARTTLS on 587 (the submission port)
    smtps://user:password@mail.example.com:465           implicit TLS
    smtp://127.0.0.1:1025?tls=0                          a local relay, no TLS
    file:///var/lib/orderly/mail                         one .log file per message, in that folder
    console://                                           printed on the web or worker's stdout

User and password are URL-quoted (`%40` for `@`). With no URL the mails are written to files
under `var/mail/`, so a fresh clone runs without a mail server and the mails can still be read.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}


def email_settings_from_url(url: str, *, default_dir: Path) -> dict:
    """The EMAIL_* settings that `url` describes; an unknown scheme is a start-up error, not a lost mail."""
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(default_dir),
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path) or str(default_dir),
        }
    if scheme in {"smtp", "smtps"}:
        implicit_tls = scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
        port = parts.port or (465 if implicit_tls else 587)
        starttls_default = "0" if implicit_tls or port == 25 else "1"
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": implicit_tls,
            "EMAIL_USE_TLS": not implicit_tls and query.get("tls", starttls_default).lower() in _TRUE,
            "EMAIL_TIMEOUT": int(query.get("timeout", "15")),
        }
    raise ValueError(f"ORDERLY_EMAIL_URL: unsupported scheme {parts.scheme!r} (smtp, smtps, file, console)")
