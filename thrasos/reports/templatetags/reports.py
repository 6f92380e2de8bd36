"""French typography for published figures: thin no-break spaces between
thousands and before the unit, a decimal comma, masks as they are."""

from decimal import Decimal

from django import template

from thrasos.reports.indicators import Unit

register = template.Library()

NNBSP = "\u202f"


def format_figure(value, unit: str = Unit.COUNT) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal | float):
        text = f"{value:,.1f}".replace(",", NNBSP).replace(".", ",")
    else:
        text = f"{value:,}".replace(",", NNBSP)
    if unit == Unit.PERCENT:
        return f"{text}{NNBSP}%"
    if unit == Unit.HOURS:
        return f"{text}{NNBSP}h"
    return text


@register.filter
def figure(value, unit: str = Unit.COUNT) -> str:
    return format_figure(value, unit)
