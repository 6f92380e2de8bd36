from django import template

from thrasos.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The bell's count: one query, only on pages that show the bell."""
    membership = context.get("current_membership")
    return selectors.unread_count(membership) if membership else 0


@register.filter
def notification_title(notification) -> str:
    return selectors.title(notification)
