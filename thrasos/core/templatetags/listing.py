"""Filters for long lists, where Django's general ones cost per row: `date`
builds a DateFormat and resolves the locale's formats for each value (about
50 µs; a list of 50 rows with two dates spent a quarter of its rendering in
it)."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def dmy(value) -> str:
    """31/12/1990: a date, or an aware datetime in the current time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
