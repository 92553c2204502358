"""Request and response examples for the main operations, taken from the seeds' documents (with real
UUIDs and the wire's time format where the seeds write "uuid" or drop the milliseconds).

A postprocessing hook puts each in the document as an OpenAPI `examples` entry; a test validates
every example in the document against its schema (tests/orderly/test_schema_examples.py), so an
example that drifts from the API fails the suite.
"""

ORG = "5f0c6a52-8d1e-4b7a-9a63-2f1e0c4b7d10"
CONFIG = "0d9b8a0e-3c55-4e0c-b2a7-6f1d2c3b4a50"
END_USER = "8a4c2e10-6b3d-4f5a-9e21-7c0b1d2e3f40"
SESSION = "c3e1a9b2-7d4f-4a6e-8b50-1f2e3d4c5b60"
ORDER = "550e8400-e29b-41d4-a716-446655440000"
SHIPMENT = "7b2d4f60-1a3c-4e5b-9d70-8c6e5a4b3f21"
CHECKPOINT = "2e4f6a80-3b5d-4c7e-8f90-a1b2c3d4e5f6"
REQUEST = "9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19"
STAFF = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
OPERATION = "660e8400-e29b-41d4-a716-446655440001"
WEBHOOK = "4d3c2b1a-0f9e-4d8c-b7a6-5e4f3d2c1b0a"
ACTIVITY = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
CREATED = "2026-01-15T10:30:00.000Z"
UPDATED = "2026-01-15T11:00:00.000Z"

BRANDING = {"primary_color": "#059669", "company_name": "Acme"}
CONFIG_OUT = {
    "id": CONFIG,
    "organization_id": ORG,
    "slug": "acme-fulfillment",
    "publishable_key": "pk_live_abc123",
    "branding": BRANDING,
    "allowed_origins": ["https://myapp.com"],
    "allowed_bridge_types": ["shopify", "shipstation"],
    "default_dispatcher_id": None,
    "settings": {},
    "enabled_features": ["bridges", "data_room", "action_requests"],
    "is_active": True,
    "created_at": "2026-01-15T10:00:00.000Z",
    "updated_at": CREATED,
}
ORDER_IN = {
    "externalUserId": "user_12345",
    "orderNumber": "1001",
    "externalId": "ext_123",
    "status": "pending",
    "fulfillmentStatus": "unfulfilled",
    "paymentStatus": "paid",
    "customer": {"name": "Jane Doe", "email": "jane@example.com"},
    "lineItems": [{"title": "Widget", "quantity": 2, "price": 22.5}],
    "shippingAddress": {"address1": "123 Main St", "city": "Anytown", "state": "CA", "zip": "90210", "country": "US"},
    "totals": {"subtotal": 45.0, "tax": 4.99, "total": 49.99},
    "currency": "USD",
    "orderedAt": CREATED,
}
ORDER_OUT = {
    "id": ORDER,
    "organization_id": ORG,
    "end_user_id": END_USER,
    "bridge_id": None,
    "order_number": "1001",
    "external_id": "ext_123",
    "po_number": None,
    "status": "pending",
    "fulfillment_status": "unfulfilled",
    "payment_status": "paid",
    "customer": {"name": "Jane Doe", "email": "jane@example.com", "phone": None},
    "line_items": [{"title": "Widget", "quantity": 2, "price": 22.5}],
    "shipping_address": ORDER_IN["shippingAddress"],
    "totals": ORDER_IN["totals"],
    "currency": "USD",
    "tags": [],
    "notes": None,
    "ordered_at": CREATED,
    "version_tag": None,
    "created_at": CREATED,
    "updated_at": CREATED,
}
SHIPMENT_OUT = {
    "id": SHIPMENT,
    "order_id": ORDER,
    "external_id": "shp_ext_123",
    "tracking_number": "1Z999AA10123456784",
    "carrier": "ups",
    "service": "ground",
    "status": "in_transit",
    "ship_date": "2026-01-15",
    "estimated_delivery": "2026-01-20",
    "actual_delivery": None,
    "weight": {"value": 2.5, "unit": "lb"},
    "dimensions": {"length": 12, "width": 8, "height": 6, "unit": "in"},
    "ship_from": {"city": "Los Angeles", "state": "CA", "country": "US"},
    "ship_to": {"city": "New York", "state": "NY", "country": "US"},
    "bridge_id": None,
    "created_at": CREATED,
    "updated_at": CREATED,
}
WEBHOOK_IN = {
    "url": "https://myapp.com/webhooks/orderly",
    "description": "Production webhook",
    "events": ["order.created", "shipment.shipped", "shipment.delivered"],
}
WEBHOOK_OUT = {
    "id": WEBHOOK,
    **WEBHOOK_IN,
    "is_active": True,
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw3Q0nW4uJ+Ho=",
    "created_at": CREATED,
}
OPERATION_OUT = {
    "id": OPERATION,
    "type": "create_shipment",
    "status": "pending",
    "order_id": ORDER,
    "input": {"carrier": "fedex", "service": "GROUND_HOME_DELIVERY"},
    "output": None,
    "logs": [{"at": CREATED, "message": "Created."}],
    "error": "",
    "undoable": False,
    "undo_at": None,
    "executed_at": None,
    "action_request_id": None,
    "created_by": STAFF,
    "executed_by": None,
    "undone_by": None,
    "created_at": CREATED,
    "updated_at": CREATED,
}

# "METHOD path" → {"summary", "request" (a body), "responses" ({status: body})}.
EXAMPLES = {
    "GET /api/v1/embed/config": {
        "summary": "The public config of `acme-fulfillment`",
        "responses": {
            "200": {
                "data": {
                    "slug": "acme-fulfillment",
                    "branding": {
                        "primary_color": "#4F46E5",
                        "logo_url": "https://acme.example.com/logo.png",
                        "company_name": "Acme Fulfillment",
                    },
                    "allowedBridgeTypes": [
                        {"id": "shopify", "name": "Shopify", "icon": "shopify-icon", "category": "ecommerce"}
                    ],
                }
            }
        },
    },
    "GET /api/v1/embed/config/me": {
        "summary": "The organization's embed config",
        "responses": {"200": {"data": CONFIG_OUT}},
    },
    "PATCH /api/v1/embed/config": {
        "summary": "Configure the embed",
        "request": {
            "slug": "acme-fulfillment",
            "allowed_bridge_types": ["shopify", "shipstation"],
            "allowed_origins": ["https://myapp.com"],
            "enabled_features": ["bridges", "data_room", "action_requests"],
            "branding": BRANDING,
        },
        "responses": {"200": {"data": CONFIG_OUT}},
    },
    "POST /api/v1/embed/sessions": {
        "summary": "A session for an end user, from the integrator's server",
        "request": {
            "externalId": "user_12345",
            "name": "Store Owner",
            "email": "merchant@store.com",
            "scopes": ["bridges:read", "bridges:write", "orders:read"],
            "ttlSeconds": 7200,
        },
        "responses": {
            "201": {
                "data": {
                    "token": "est_a1b2c3d4e5f6",
                    "sessionId": SESSION,
                    "expiresAt": "2026-01-15T12:30:00.000Z",
                    "scopes": ["bridges:read", "bridges:write", "orders:read"],
                    "enabledFeatures": ["bridges", "data_room"],
                    "endUser": {
                        "id": END_USER,
                        "externalId": "user_12345",
                        "name": "Store Owner",
                        "email": "merchant@store.com",
                    },
                }
            }
        },
    },
    "POST /api/v1/embed/sessions/auto": {
        "summary": "An auto-session from the browser, with the publishable key",
        "request": {"key": "pk_live_abc123", "externalId": "user_12345", "name": "Store Owner"},
        "responses": {
            "200": {
                "data": {
                    "token": "est_a1b2c3d4e5f6",
                    "expiresAt": "2026-01-15T11:30:00.000Z",
                    "scopes": ["bridges:read", "bridges:write", "orders:read", "shipments:read", "tracking:read"],
                    "enabledFeatures": ["bridges", "data_room"],
                }
            }
        },
    },
    "POST /api/v1/orders": {
        "summary": "Push an order for the end user `user_12345`",
        "request": ORDER_IN,
        "responses": {
            "202": {"data": ORDER_OUT},
            "400": {
                "error": {
                    "code": "validation_error",
                    "message": "Invalid input.",
                    "details": {
                        "orderNumber": ["This field is required."],
                        "ordernumber": ['Unknown field. Did you mean "orderNumber"?'],
                    },
                    "request_id": "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
                }
            },
        },
    },
    "GET /api/v1/orders": {
        "summary": "The organization's orders",
        "responses": {
            "200": {
                "data": [{**ORDER_OUT, "version_tag": "IXUA3ril8XnZJKUMSfP7dg=="}],
                "pagination": {"page": 1, "limit": 20, "total": 1, "totalPages": 1, "hasMore": False},
            }
        },
    },
    "POST /api/v1/orders/{pk}/action": {
        "summary": "Confirm an order (seed: order actions)",
        "request": {
            "action": "ConfirmOrder",
            "versionTag": "IXUA3ril8XnZJKUMSfP7dg==",
            "language": "en-US",
            "data": {"custom": "data", "list": ["data1", "data2"]},
        },
        "responses": {
            "202": {
                "data": {
                    "id": ACTIVITY,
                    "order_id": ORDER,
                    "action": "ConfirmOrder",
                    "language": "en-US",
                    "data": {"custom": "data", "list": ["data1", "data2"]},
                    "created_at": CREATED,
                }
            }
        },
    },
    "POST /api/v1/shipments": {
        "summary": "Push a shipment of an order",
        "request": {
            "orderId": ORDER,
            "externalId": "shp_ext_123",
            "trackingNumber": "1Z999AA10123456784",
            "carrier": "ups",
            "service": "ground",
            "status": "in_transit",
            "shipDate": "2026-01-15",
            "estimatedDelivery": "2026-01-20",
            "weight": {"value": 2.5, "unit": "lb"},
            "dimensions": {"length": 12, "width": 8, "height": 6, "unit": "in"},
            "shipFrom": {"city": "Los Angeles", "state": "CA", "country": "US"},
            "shipTo": {"city": "New York", "state": "NY", "country": "US"},
        },
        "responses": {"201": {"data": SHIPMENT_OUT}},
    },
    "POST /api/v1/shipments/{pk}/checkpoints": {
        "summary": "A tracking checkpoint",
        "request": {
            "status": "in_transit",
            "statusDetail": "Departed facility",
            "location": "Chicago, IL",
            "city": "Chicago",
            "state": "IL",
            "country": "US",
            "postalCode": "60601",
            "latitude": 41.8781,
            "longitude": -87.6298,
            "checkpointTime": "2026-01-16T08:00:00.000Z",
            "carrierStatusCode": "DP",
        },
        "responses": {
            "201": {
                "data": {
                    "id": CHECKPOINT,
                    "status": "in_transit",
                    "status_detail": "Departed facility",
                    "location": "Chicago, IL",
                    "city": "Chicago",
                    "state": "IL",
                    "country": "US",
                    "postal_code": "60601",
                    "latitude": 41.8781,
                    "longitude": -87.6298,
                    "checkpoint_time": "2026-01-16T08:00:00.000Z",
                    "carrier_status_code": "DP",
                    "created_at": "2026-01-16T08:05:00.000Z",
                }
            }
        },
    },
    "POST /api/v1/embed/action-requests": {
        "summary": "Ask to cancel an order",
        "request": {
            "orderId": ORDER,
            "actionType": "cancel",
            "title": "Please cancel this order",
            "description": "I ordered the wrong size",
            "requestedChanges": {"reason": "wrong_item"},
        },
        "responses": {
            "201": {
                "data": {
                    "id": REQUEST,
                    "organization_id": ORG,
                    "end_user_id": END_USER,
                    "order_id": ORDER,
                    "action_type": "cancel",
                    "title": "Please cancel this order",
                    "description": "I ordered the wrong size",
                    "status": "pending",
                    "requested_changes": {"reason": "wrong_item"},
                    "resolution_note": None,
                    "resolved_by": None,
                    "resolved_at": None,
                    "expires_at": "2026-01-22T10:30:00.000Z",
                    "operation_id": None,
                    "created_at": CREATED,
                    "updated_at": CREATED,
                }
            }
        },
    },
    "PATCH /api/v1/embed/action-requests/{pk}/resolve": {
        "summary": "Approve a request",
        "request": {"status": "approved", "resolutionNote": "Order cancelled, refund initiated"},
        "responses": {
            "200": {
                "data": {
                    "id": REQUEST,
                    "order_id": ORDER,
                    "action_type": "cancel",
                    "title": "Please cancel this order",
                    "status": "approved",
                    "resolution_note": "Order cancelled, refund initiated",
                    "resolved_by": STAFF,
                    "resolved_at": UPDATED,
                    "operation_id": None,
                    "created_at": CREATED,
                    "updated_at": UPDATED,
                }
            }
        },
    },
    "POST /api/v1/operations": {
        "summary": "Create a shipment for an order, to execute later",
        "request": {
            "type": "create_shipment",
            "order_id": ORDER,
            "input": {"carrier": "fedex", "service": "GROUND_HOME_DELIVERY"},
        },
        "responses": {"201": {"data": OPERATION_OUT}},
    },
    "POST /api/v1/operations/{pk}/execute": {
        "summary": "Execute it",
        "responses": {"200": {"data": {"id": OPERATION, "status": "executing", "type": "create_shipment"}}},
    },
    "POST /api/v1/operations/{pk}/undo": {
        "summary": "Undo it",
        "responses": {"200": {"data": {"id": OPERATION, "status": "undone", "undo_at": UPDATED}}},
    },
    "POST /api/v1/webhooks": {
        "summary": "An organization endpoint; the generated secret is shown once",
        "request": WEBHOOK_IN,
        "responses": {"201": {"data": WEBHOOK_OUT}},
    },
    "POST /api/v1/embed/webhooks": {
        "summary": "An end user's endpoint, with its own secret",
        "request": {**WEBHOOK_IN, "secret": "whsec_a1b2c3d4e5f6g7h8"},
        "responses": {"201": {"data": {**WEBHOOK_OUT, "secret": "whsec_a1b2c3d4e5f6g7h8"}}},
    },
}


def _example(summary: str, value) -> dict:
    return {"seed": {"summary": summary, "value": value}}


def attach_examples(result, generator, request, public):
    """Each entry of EXAMPLES as the `examples` of its operation's request body and responses."""
    for key, example in EXAMPLES.items():
        method, path = key.split(" ", 1)
        operation = result["paths"][path][method.lower()]
        if "request" in example:
            media = operation["requestBody"]["content"]["application/json"]
            media["examples"] = _example(example["summary"], example["request"])
        for status, body in example.get("responses", {}).items():
            media = operation["responses"][status]["content"]["application/json"]
            media["examples"] = _example(example["summary"], body)
    return result
