"""The OpenAPI schema of /api/: drf-spectacular's, plus what it leaves out.

- The error answers every operation can give: 403 (not logged in, or the role
  may not do this), 404 on a route about one object (missing, or not yours:
  thrasos.core.gates) and on a paginated list (an invalid cursor), 400 with the
  French messages wherever a body or a filter is validated. Without them a
  client (and the fuzz run, tests/api/test_fuzz.py) meets answers the schema
  does not know.
- What DRF's fields check and drf-spectacular does not say: times of day
  ("09:30:00" is no JSON Schema `time`, which wants an offset), text that
  is not blank once trimmed and has no NUL character, decimals that are
  numbers (its pattern lets "" and "." through) and not below the minimum.
The fuzz run (tests/api/test_fuzz.py) fails when an operation rejects every
request its schema allows.
"""

import contextlib

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, is_list_serializer

from thrasos.core.api import PolicyFieldsMixin

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field name → messages (in French); `detail` or `non_field_errors` "
    "for the request as a whole. A list field answers per position.",
    "additionalProperties": {"oneOf": [{"type": "string"}, MESSAGES, {"type": "object"}]},
}


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # The field policy (thrasos.permissions) leaves out of an answer what
        # the role may not read: no field of such an answer is certain. Only
        # for read-only serializers: request and response share a component.
        read_only = serializer.read_only or all(f.read_only for f in serializer.fields.values())
        if direction == "response" and read_only and isinstance(serializer, PolicyFieldsMixin):
            schema.pop("required", None)
        return schema

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error(self, description: str, schema: dict) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self._component("Error", ERROR)
        errors = {
            "403": self._error("Not logged in, or the role may not do this.", error),
        }
        if "{" in self.path:
            errors["404"] = self._error("No such object, or not one the member may see.", error)
        elif self._is_list_view() and self._get_paginator() is not None:
            errors["404"] = self._error("Invalid page cursor.", error)
        if self.method != "GET" or self.get_override_parameters():
            invalid = self._component("ValidationError", VALIDATION_ERROR)
            if is_list_serializer(self.get_request_serializer()):
                invalid = {"oneOf": [invalid, {"type": "array", "items": invalid}]}
            errors["400"] = self._error("Invalid request: the messages say why.", invalid)
        return responses | {code: e for code, e in errors.items() if code not in responses}


class TimeOfDayExtension(OpenApiSerializerFieldExtension):
    """DRF's TimeField: "HH:MM[:SS[.ffffff]]", without an offset."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
            "example": "09:30",
        }


class TextExtension(OpenApiSerializerFieldExtension):
    """DRF's CharField trims the text, refuses NUL characters and, unless
    allow_blank, text left empty."""

    target_class = "rest_framework.fields.CharField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        if field.read_only:
            return schema
        if field.allow_blank:  # drf-spectacular adds "" as the other choice (oneOf)
            schema["pattern"] = r"^[^\x00]+$"
        else:
            schema["pattern"] = r"^[^\x00]*[^\s\x00][^\x00]*$"
            schema["minLength"] = max(schema.get("minLength", 0), 1)
        return schema


class ChoiceExtension(OpenApiSerializerFieldExtension):
    """DRF drops allow_blank from the fields of Meta.read_only_fields: a
    choice the model may leave blank is then answered "", which its enum
    lacks. Such a field says "" too."""

    target_class = "rest_framework.fields.ChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if field.read_only and not getattr(field, "allow_blank", True):
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            # Not a model field (a method, a dotted source): nothing to add.
            with contextlib.suppress(AttributeError, FieldDoesNotExist):
                field.allow_blank = model._meta.get_field(field.source).blank
        return auto_schema._map_serializer_field(field, direction, bypass_extensions=True)


class DecimalExtension(OpenApiSerializerFieldExtension):
    """A decimal as a string: at least one digit, the digits allowed, and no
    minus sign when the minimum is zero or more."""

    target_class = "rest_framework.fields.DecimalField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        if "pattern" not in schema or field.localize:
            return schema
        whole, places = field.max_whole_digits, field.decimal_places
        sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
        fraction = rf"(?:\.\d{{0,{places}}})?" if places else ""
        schema["pattern"] = rf"^{sign}(?:\d{{1,{max(whole, 1)}}}{fraction}"
        schema["pattern"] += rf"|\.\d{{1,{places}}})$" if places else ")$"
        return schema


# An id in a query string: a positive integer (anything else is a 400).
ID = {"type": "integer", "minimum": 1}
