"""Log-in with a lockout: repeated failures lock an account, and a client IP, for a while.

Counted in the shared cache (Redis, else the database — orderly/cache.py), so every web worker
sees the same count. After ORDERLY_LOGIN_MAX_FAILURES_PER_ACCOUNT wrong passwords for one user
name within ORDERLY_LOGIN_LOCKOUT_SECONDS, that user name is locked for ORDERLY_LOGIN_LOCKOUT_SECONDS
(the right password included); after ORDERLY_LOGIN_MAX_FAILURES_PER_IP from one client IP, so is
that IP, whatever the user name. A success clears the account's count, never the IP's (one valid
account must not reset an IP spraying passwords at others). The price, as with any lockout: a
stranger can lock a known user name out for the lockout time; they cannot get in.

The dashboard's log-in and the admin's both use these forms.
"""

import hashlib
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from orderly.api.middleware import client_ip


def _keys(*, username: str, ip: str | None) -> list[tuple[str, int]]:
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    keys = [(f"account:{account}", settings.ORDERLY_LOGIN_MAX_FAILURES_PER_ACCOUNT)]
    if ip:
        keys.append((f"ip:{ip}", settings.ORDERLY_LOGIN_MAX_FAILURES_PER_IP))
    return keys


def login_lockout_remaining(*, username: str, ip: str | None) -> int:
    """Seconds until this user name and IP may try again (0: they may now)."""
    now = time.time()
    until = max((cache.get(f"login:locked:{key}") or 0) for key, _limit in _keys(username=username, ip=ip))
    return max(0, int(until - now + 0.999))


def login_failure_record(*, username: str, ip: str | None) -> None:
    window = settings.ORDERLY_LOGIN_LOCKOUT_SECONDS
    for key, limit in _keys(username=username, ip=ip):
        counter = f"login:failures:{key}"
        cache.add(counter, 0, timeout=window)
        try:
            failures = cache.incr(counter)
        except ValueError:  # expired between the two calls
            cache.set(counter, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(f"login:locked:{key}", time.time() + window, timeout=window)


def login_failures_clear(*, username: str) -> None:
    [(key, _limit)] = _keys(username=username, ip=None)
    cache.delete(f"login:failures:{key}")


class LockoutMixin:
    """For an AuthenticationForm: refuse while locked, count failures, clear on success."""

    locked_for = 0

    def clean(self):
        username = self.data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else None
        self.locked_for = login_lockout_remaining(username=username, ip=ip)
        if self.locked_for:
            minutes = max(1, round(self.locked_for / 60))
            raise ValidationError(
                "Too many failed log-in attempts. Try again in %(minutes)d minute(s).",
                code="locked",
                params={"minutes": minutes},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(username=username, ip=ip)
            raise
        login_failures_clear(username=username)
        return cleaned


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    pass


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    """Django's log-in page; a locked-out attempt answers 429 with Retry-After."""

    authentication_form = LockoutAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="locked"):
            response.status_code = 429
            response["Retry-After"] = str(form.locked_for)
        return response
