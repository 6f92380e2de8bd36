from django import template
from django.utils.html import format_html

from thrasos import permissions

register = template.Library()


@register.filter
def startswith(value: str, prefix: str) -> bool:
    return bool(prefix) and str(value).startswith(str(prefix))


@register.simple_tag(takes_context=True)
def case_file_link(context, beneficiary, anchor: str = ""):
    """The person's name, linked to their case file only where the member
    opens it (thrasos.permissions.opens_case_file_in): no link leads to a 404."""
    membership = context.get("current_membership")
    if permissions.opens_case_file_in(membership, beneficiary.current_territory_id):
        return format_html(
            '<a href="{}{}">{}</a>', beneficiary.get_absolute_url(), anchor, beneficiary.full_name
        )
    return beneficiary.full_name
