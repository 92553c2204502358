"""Alert rules and in-app notifications of the session's end user."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework import status as http

from alerts import services
from alerts.api import serializers as s
from alerts.models import AlertNotification, AlertRule
from orderly.api.permissions import Session
from orderly.api.schema import paginated_with, unpaginated
from orderly.api.views import ApiView, deleted, ok
from orderly.errors import validation_error

READ = Session("alerts:read", feature="smart_alerts")
WRITE = Session("alerts:write", feature="smart_alerts")


class AlertRuleListView(ApiView):
    required = {"GET": READ, "POST": WRITE}

    @extend_schema(responses={200: unpaginated(s.AlertRuleOutput(many=True))})
    def get(self, request):
        rules = self.scoped(AlertRule.objects).order_by("-created_at")
        return ok(s.AlertRuleOutput(rules, many=True).data)

    @extend_schema(request=s.AlertRuleCreateInput, responses={201: s.AlertRuleOutput})
    def post(self, request):
        serializer = s.AlertRuleCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.alert_rule_create(end_user=self.principal.end_user, data=serializer.model_fields())
        return ok(s.AlertRuleOutput(rule).data, status=http.HTTP_201_CREATED)


class AlertRuleDetailView(ApiView):
    required = {"PATCH": WRITE, "DELETE": WRITE, "GET": READ}

    @extend_schema(responses={200: s.AlertRuleOutput})
    def get(self, request, pk):
        return ok(
            s.AlertRuleOutput(services.alert_rule_get(end_user=self.principal.end_user, rule_id=pk)).data
        )

    @extend_schema(request=s.AlertRuleUpdateInput, responses={200: s.AlertRuleOutput})
    def patch(self, request, pk):
        rule = services.alert_rule_get(end_user=self.principal.end_user, rule_id=pk)
        serializer = s.AlertRuleUpdateInput(data=request.data, rule=rule)
        serializer.is_valid(raise_exception=True)
        rule = services.alert_rule_update(rule=rule, changes=serializer.model_fields())
        return ok(s.AlertRuleOutput(rule).data)

    def delete(self, request, pk):
        services.alert_rule_delete(rule=services.alert_rule_get(end_user=self.principal.end_user, rule_id=pk))
        return deleted()


class NotificationListView(ApiView):
    required = READ
    max_limit = 50

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="only unread (`true`) or all")],
        responses={
            200: paginated_with(s.NotificationOutput(many=True), unreadCount=serializers.IntegerField())
        },
    )
    def get(self, request):
        inbox = self.scoped(AlertNotification.objects).filter(is_dismissed=False)
        unread = request.query_params.get("unread")
        if unread not in (None, "", "true", "false"):
            raise validation_error("unread", "Use true or false.")
        queryset = inbox.filter(is_read=False) if unread == "true" else inbox
        extra = {"unreadCount": inbox.filter(is_read=False).count()}
        return self.paginate(queryset.order_by("-created_at", "-id"), s.NotificationOutput, extra=extra)


class NotificationDetailView(ApiView):
    required = READ

    @extend_schema(request=s.NotificationUpdateInput, responses={200: s.NotificationOutput})
    def patch(self, request, pk):
        data = self.validated(s.NotificationUpdateInput)
        changes = {{"isRead": "is_read", "isDismissed": "is_dismissed"}[k]: v for k, v in data.items()}
        notification = services.alert_notification_update(
            end_user=self.principal.end_user, notification_id=pk, changes=changes
        )
        return ok(s.NotificationOutput(notification).data)
