"""The notify-me e-mails: branded HTML with a plain-text alternative, in the subscriber's language.

Every mail carries the one-click unsubscribe link in its body and in the RFC 8058 headers
(`List-Unsubscribe` + `List-Unsubscribe-Post`), which mail clients show as their own button.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from orderly.crypto import decrypt_text
from tracking import notify, selectors
from tracking.models import TrackingNotification

Kind = TrackingNotification.Kind


def _absolute(path: str, **query) -> str:
    return f"{settings.ORDERLY_PUBLIC_URL}{path}" + (f"?{urlencode(query)}" if query else "")


def _subject(kind: str, company: str, context: dict) -> str:
    if kind == Kind.CONFIRM:
        return _("Confirm updates for your parcel from %(company)s") % {"company": company}
    if kind == Kind.SHIPPED:
        return _("Your parcel from %(company)s is on its way") % {"company": company}
    if kind == Kind.OUT_FOR_DELIVERY:
        return _("Your parcel from %(company)s is out for delivery") % {"company": company}
    if kind == Kind.DELIVERED:
        return _("Your parcel from %(company)s has been delivered") % {"company": company}
    return _("There is a problem with your parcel from %(company)s") % {"company": company}


def notification_message(notification: TrackingNotification) -> EmailMultiAlternatives | None:
    """The message for one notification, or None when there is nothing left to send."""
    subscription = notification.subscription
    if notification.kind == Kind.CONFIRM and subscription.confirmed_at is not None:
        return None
    page = subscription.tracking_page
    with translation.override(subscription.language):
        context = selectors.tracking_page_context(page)
        branding = context["branding"]
        company = branding["company_name"] or _("your shipper")
        unsubscribe_url = _absolute(
            reverse("tracking-unsubscribe"),
            t=notify.subscription_token(subscription, salt=notify.UNSUBSCRIBE_SALT),
            lang=subscription.language,
        )
        context.update(
            kind=notification.kind,
            company=company,
            brand_text=selectors.brand_text_color(branding["primary_color"]),
            page_url=_absolute(reverse("tracking-page", args=[page.token]), lang=subscription.language),
            confirm_url=_absolute(
                reverse("tracking-subscription-confirm"),
                t=notify.subscription_token(subscription, salt=notify.CONFIRM_SALT),
                lang=subscription.language,
            ),
            unsubscribe_url=unsubscribe_url,
            confirm_days=settings.ORDERLY_TRACKING_CONFIRM_DAYS,
            language=subscription.language,
        )
        subject = _subject(notification.kind, company, context)
        context["subject"] = subject
        text = render_to_string("tracking/email/notification.txt", context)
        html = render_to_string("tracking/email/notification.html", context)
    _name, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((str(company), from_address)) if branding["company_name"] else settings.DEFAULT_FROM_EMAIL,
        to=[decrypt_text(subscription.email_encrypted)],
        reply_to=[branding["support_email"]] if branding["support_email"] else None,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
