"""Languages spoken by the people the programme supports (ISO 639 codes),
with their French names. Store what is needed: the list is short on purpose
and extended when a caseworker meets a language that is missing."""

from django.utils.translation import gettext_lazy as _

LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("apd", _("Sudanese Arabic")),
    ("prs", _("Dari")),
    ("fa", _("Persian")),
    ("ps", _("Pashto")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("om", _("Oromo")),
    ("so", _("Somali")),
    ("ku", _("Kurdish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ka", _("Georgian")),
    ("hy", _("Armenian")),
    ("ur", _("Urdu")),
    ("bn", _("Bengali")),
    ("ta", _("Tamil")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ln", _("Lingala")),
    ("sw", _("Swahili")),
    ("ff", _("Fula")),
    ("wo", _("Wolof")),
    ("bm", _("Bambara")),
    ("mnk", _("Mandinka")),
    ("sq", _("Albanian")),
    ("zh", _("Chinese")),
]
