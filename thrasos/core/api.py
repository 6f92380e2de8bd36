"""What every module's API needs, in one place: the tenant-scoped related
field, the field policy on output, and one answer for a service's refusal.

A service raises Django's ValidationError; `exception_handler` (the
REST_FRAMEWORK setting) answers it with a 400 whose body has the same shape
as a serializer's errors, so an API view can call a service directly."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.views import exception_handler as drf_exception_handler

from thrasos import permissions


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as DRF's: {field: [messages]}, or
    {"detail": [messages]} when it names no field."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(
            {k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()}
        )
    return serializers.ValidationError({"detail": error.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_error(exc)
    return drf_exception_handler(exc, context)


def schema_generation(view) -> bool:
    """True while drf-spectacular builds the schema (no request, no tenant):
    get_queryset() answers an empty queryset then."""
    return getattr(view, "swagger_fake_view", False)


class PolicyFieldsMixin:
    """Only the fields the member's role may read (thrasos.permissions), from
    the model's FIELD_SENSITIVITY. The set is worked out once per response
    (kept in the serializer context, which a list shares with its rows), and
    the fields outside it are not even computed."""

    def _policy(self, model) -> frozenset[str]:
        cache = self.context.setdefault("_policy_fields", {})
        if model not in cache:
            membership = self.context["request"].membership
            cache[model] = frozenset(
                permissions.readable_fields(membership.role, model.FIELD_SENSITIVITY)
            ) | {"id", "url"}
        return cache[model]

    @property
    def _readable_fields(self):
        readable = self._policy(self.Meta.model)
        for field in super()._readable_fields:
            if field.field_name in readable:
                yield field

    def to_representation(self, instance):
        data = super().to_representation(instance)
        readable = self._policy(type(instance))
        return {k: v for k, v in data.items() if k in readable}


class TenantPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """Related objects of the current tenant only (the queryset is evaluated
    per request, inside the tenant)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.all()
