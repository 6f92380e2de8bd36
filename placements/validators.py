"""Official French identifiers of the partner directory and the projects:
SIRET (Luhn checksum), UAI (check letter), RNCP and ROME codes, NAF code.
Each refuses with a French message that says what is wrong."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share the SIREN 356 000 000: their SIRET does not
# pass the Luhn check; the sum of its digits is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"
# The 23 letters of the UAI check: the alphabet without I, O and Q.
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def compact(value: str) -> str:
    """What the user typed, without spaces, dots and dashes (“123 456 789 00012”)."""
    return re.sub(r"[\s.\-]", "", value or "")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    value = compact(value)
    if not re.fullmatch(r"\d{14}", value):
        return False
    if luhn_ok(value):
        return True
    return value.startswith(LA_POSTE_SIREN) and sum(int(c) for c in value) % 5 == 0


def validate_siret(value: str) -> None:
    digits = compact(value)
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError(
            _("A SIRET number has 14 digits (%(count)s given)."),
            code="siret_format",
            params={"count": len(re.sub(r"\D", "", digits))},
        )
    if not siret_is_valid(digits):
        raise ValidationError(
            _("This SIRET number is not valid (its check digit does not match): check it."),
            code="siret_checksum",
        )


def uai_check_letter(number: str) -> str:
    return UAI_LETTERS[int(number) % 23]


def validate_uai(value: str) -> None:
    """UAI (ex-RNE) of an establishment: 7 digits and a check letter, e.g. 0330135M."""
    value = compact(value).upper()
    if not re.fullmatch(r"\d{7}[A-Z]", value):
        raise ValidationError(
            _("A UAI number is 7 digits followed by a letter (for example 0330021U)."),
            code="uai_format",
        )
    if value[7] != uai_check_letter(value[:7]):
        raise ValidationError(
            _("This UAI number is not valid (its check letter does not match): check it."),
            code="uai_checksum",
        )


@deconstructible
class FormatValidator:
    def __init__(self, pattern: str, message: str, code: str) -> None:
        self.pattern, self.message, self.code = pattern, message, code

    def __call__(self, value: str) -> None:
        if value and not re.fullmatch(self.pattern, value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, FormatValidator) and other.pattern == self.pattern


validate_rncp = FormatValidator(
    r"RNCP\d{3,6}",
    _("An RNCP code is “RNCP” followed by 3 to 6 digits (for example RNCP35753)."),
    "rncp_format",
)
validate_rome = FormatValidator(
    r"[A-N]\d{4}",
    _("A ROME code is a letter from A to N followed by 4 digits (for example F1703)."),
    "rome_format",
)
validate_naf = FormatValidator(
    r"\d{2}\.\d{2}[A-Z]",
    _("A NAF code is written like 43.99C (two digits, a dot, two digits, a letter)."),
    "naf_format",
)
