"""Smart alerts: rules an end user sets on events, fired at most once per cooldown window."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import AlertNotification, AlertRule
from orderly.accounts.services import owner_lock
from orderly.errors import DomainError, ErrorCode, not_found
from orderly.models import model_update
from webhooks import services as webhook_services

MAX_RULES_PER_END_USER = 20
RULE_UPDATE_FIELDS = (
    "name",
    "description",
    "event_type",
    "condition",
    "delivery_method",
    "webhook_url",
    "cooldown_minutes",
    "is_active",
)
NOTIFICATION_UPDATE_FIELDS = ("is_read", "is_dismissed")


def alert_condition_matches(condition: dict, data: dict) -> bool:
    """Every key must match the event's data: equal, or one of a list ("any of")."""
    for key, expected in (condition or {}).items():
        actual = data.get(key)
        if isinstance(expected, list):
            if actual not in expected:
                return False
        elif actual != expected:
            return False
    return True


def _target_sync(rule: AlertRule) -> None:
    """Point the rule's webhook target at its URL, or remove it when the rule delivers in-app only."""
    delivers_by_webhook = rule.delivery_method != AlertRule.DeliveryMethod.IN_APP
    rule.target = webhook_services.alert_target_sync(
        target=rule.target if rule.target_id else None,
        organization=rule.organization,
        end_user=rule.end_user,
        url=rule.webhook_url if delivers_by_webhook else None,
    )


@transaction.atomic
def alert_rule_create(*, end_user, data: dict) -> AlertRule:
    owner_lock(end_user=end_user)
    if AlertRule.objects.filter(end_user=end_user).count() >= MAX_RULES_PER_END_USER:
        raise DomainError(ErrorCode.LIMIT_EXCEEDED, f"At most {MAX_RULES_PER_END_USER} alert rules are allowed.")
    _webhook_url_check(data)
    rule = AlertRule(organization_id=end_user.organization_id, end_user=end_user, **data)
    _target_sync(rule)
    rule.save()
    return rule


@transaction.atomic
def alert_rule_update(*, rule: AlertRule, changes: dict) -> AlertRule:
    _webhook_url_check(changes)
    model_update(rule, changes, RULE_UPDATE_FIELDS)
    target_before = rule.target_id
    _target_sync(rule)
    if rule.target_id != target_before:
        rule.save(update_fields=["target", "updated_at"])
    return rule


def _webhook_url_check(data: dict) -> None:
    """A rule's webhook URL is checked whenever it is given, in-app rules included (it may be used
    later), and reported as the client spelled it."""
    if data.get("webhook_url"):
        webhook_services.webhook_url_validate(data["webhook_url"], field="webhookUrl")


def alert_rule_delete(*, rule: AlertRule) -> None:
    target = rule.target
    rule.delete()
    webhook_services.alert_target_sync(target=target, organization=rule.organization, end_user=rule.end_user, url=None)


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


def alerts_wanted(*, event_type: str, organization_ids, end_user_ids) -> bool:
    """Has any of these end users an active rule for `event_type`? (Rules are per end user.)"""
    return bool(end_user_ids) and AlertRule.objects.filter(
        end_user_id__in=end_user_ids, event_type=event_type, is_active=True
    ).exists()


def alert_rules_evaluate(events) -> None:
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
        if not alert_condition_matches(rule.condition, event.data or {}):
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
            webhook_services.delivery_enqueue(
                webhook=rule.target,
                event=event,
                topic="alert.triggered",
                created_at=now,
                data={
                    "rule_id": str(rule.pk),
                    "rule_name": rule.name,
                    "event_type": event.event_type,
                    "title": title,
                    "message": message,
                    "event": event.data,
                },
            )


def alert_notification_update(*, end_user, notification_id, changes: dict) -> AlertNotification:
    notification = AlertNotification.objects.for_end_user(end_user).filter(pk=notification_id).first()
    if notification is None:
        raise not_found("Notification")
    model_update(notification, changes, NOTIFICATION_UPDATE_FIELDS)
    return notification


def alert_rule_get(*, end_user, rule_id) -> AlertRule:
    rule = AlertRule.objects.for_end_user(end_user).select_related("target").filter(pk=rule_id).first()
    if rule is None:
        raise not_found("Alert rule")
    return rule
