"""Smart alerts: rules an end user sets on events, fired at most once per cooldown window."""

import datetime as dt
import json

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import AlertNotification, AlertRule
from orderly.api.fields import iso_ms
from orderly.crypto import encrypt_text
from orderly.errors import DomainError, ErrorCode, not_found
from webhooks import services as webhook_services
from webhooks.models import Webhook

MAX_RULES_PER_END_USER = 20


def condition_matches(condition: dict, data: dict) -> bool:
    """Every key must match the event's data: equal, or one of a list ("any of")."""
    for key, expected in (condition or {}).items():
        actual = data.get(key)
        if isinstance(expected, list):
            if actual not in expected:
                return False
        elif actual != expected:
            return False
    return True


def _target_for(rule_url: str, *, organization, end_user) -> Webhook:
    return Webhook.objects.create(
        organization=organization,
        end_user=end_user,
        url=webhook_services.webhook_url_validate(rule_url),
        events=[],
        secret_encrypted=encrypt_text(webhook_services.webhook_secret_generate()),
        for_alert_rule=True,
        description="Alert rule target",
    )


@transaction.atomic
def alert_rule_create(*, end_user, data: dict) -> AlertRule:
    locked = list(
        AlertRule.objects.select_for_update().filter(end_user=end_user).values_list("pk", flat=True)
    )
    if len(locked) >= MAX_RULES_PER_END_USER:
        raise DomainError(ErrorCode.LIMIT_EXCEEDED, f"At most {MAX_RULES_PER_END_USER} alert rules are allowed.")
    rule = AlertRule(organization_id=end_user.organization_id, end_user=end_user, **data)
    if rule.delivery_method != AlertRule.DeliveryMethod.IN_APP:
        rule.target = _target_for(rule.webhook_url, organization=end_user.organization, end_user=end_user)
    rule.save()
    return rule


@transaction.atomic
def alert_rule_update(*, rule: AlertRule, changes: dict) -> AlertRule:
    for name, value in changes.items():
        setattr(rule, name, value)
    needs_target = rule.delivery_method != AlertRule.DeliveryMethod.IN_APP
    if needs_target and (rule.target is None or rule.target.url != rule.webhook_url):
        rule.target = _target_for(rule.webhook_url, organization=rule.organization, end_user=rule.end_user)
    rule.save()
    return rule


def alert_rule_delete(*, rule: AlertRule) -> None:
    target = rule.target
    rule.delete()
    if target is not None:
        target.delete()


def _describe(event) -> tuple[str, str]:
    data = event.data or {}
    topic = event.event_type
    if topic.startswith("shipment."):
        what = topic.split(".", 1)[1].replace("_", " ")
        number, carrier = data.get("tracking_number", ""), str(data.get("carrier", "")).upper()
        title = "Shipment exception detected" if what == "exception" else f"Shipment {what}"
        message = (
            f"Shipment {number} has an exception with {carrier}."
            if what == "exception"
            else f"Shipment {number} ({carrier}) is {what}."
        )
        return title, message
    if topic.startswith("order."):
        number = data.get("order_number") or data.get("orderId") or data.get("id", "")
        return f"Order {topic.split('.', 1)[1].replace('_', ' ')}", f"Order {number}: {topic}."
    return topic.replace(".", " ").replace("_", " ").capitalize(), f"Event {topic} occurred."


def alerts_for_events(events) -> None:
    """Event consumer (inside the events' transaction): fire each end user's matching rules.

    One rule query per batch of events; the rules found are then matched event by event.
    """
    events = [e for e in events if e.end_user_id]
    if not events:
        return
    rules = list(
        AlertRule.objects.filter(
            end_user_id__in={e.end_user_id for e in events},
            event_type__in={e.event_type for e in events},
            is_active=True,
        ).select_related("target")
    )
    for event in events:
        _alerts_fire(
            event,
            [r for r in rules if r.end_user_id == event.end_user_id and r.event_type == event.event_type],
        )


def _alerts_fire(event, rules) -> None:
    now = timezone.now()
    for rule in rules:
        if not condition_matches(rule.condition, event.data or {}):
            continue
        window_start = now - dt.timedelta(minutes=rule.cooldown_minutes)
        # `last_fired_at` only moves forward, so a rule seen in cooldown (it fired earlier in this
        # batch) is in cooldown in the database too: skip the UPDATE.
        if rule.last_fired_at is not None and rule.last_fired_at > window_start:
            continue
        # The cooldown is claimed with one conditional UPDATE, so concurrent events fire a rule once.
        fired = (
            AlertRule.objects.filter(pk=rule.pk)
            .filter(Q(last_fired_at__isnull=True) | Q(last_fired_at__lte=window_start))
            .update(last_fired_at=now)
        )
        if not fired:
            continue
        rule.last_fired_at = now
        title, message = _describe(event)
        if rule.delivery_method in (AlertRule.DeliveryMethod.IN_APP, AlertRule.DeliveryMethod.BOTH):
            AlertNotification.objects.create(
                organization_id=event.organization_id,
                end_user_id=event.end_user_id,
                rule=rule,
                event_type=event.event_type,
                title=title,
                message=message,
            )
        if rule.delivery_method != AlertRule.DeliveryMethod.IN_APP and rule.target_id:
            body = json.dumps(
                {
                    "id": str(event.id),
                    "topic": "alert.triggered",
                    "createdAt": iso_ms(now),
                    "data": {
                        "rule_id": str(rule.pk),
                        "rule_name": rule.name,
                        "event_type": event.event_type,
                        "title": title,
                        "message": message,
                        "event": event.data,
                    },
                },
                separators=(",", ":"),
                default=str,
            )
            webhook_services.delivery_enqueue(webhook=rule.target, event=event, body=body)


def notification_update(*, end_user, notification_id, changes: dict) -> AlertNotification:
    notification = AlertNotification.objects.for_end_user(end_user).filter(pk=notification_id).first()
    if notification is None:
        raise not_found("Notification")
    for name, value in changes.items():
        setattr(notification, name, value)
    notification.save()
    return notification


def rule_get(*, end_user, rule_id) -> AlertRule:
    rule = AlertRule.objects.for_end_user(end_user).select_related("target").filter(pk=rule_id).first()
    if rule is None:
        raise not_found("Alert rule")
    return rule
