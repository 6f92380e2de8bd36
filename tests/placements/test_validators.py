import pytest
from django.core.exceptions import ValidationError

from placements.validators import (
    siret_is_valid,
    validate_naf,
    validate_rncp,
    validate_rome,
    validate_siret,
    validate_uai,
)


@pytest.mark.parametrize("value", ["73282932000074", "732 829 320 00074", "35600000000048"])
def test_good_sirets(value):
    assert siret_is_valid(value)
    validate_siret(value)


def test_la_poste_establishments_pass_by_the_sum_of_their_digits():
    # 356 000 000 + establishment number: digit sum a multiple of 5, no Luhn.
    assert siret_is_valid("35600000049837")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("73282932000075", "chiffre de contrôle"),
        ("7328293200007", "14 chiffres (13 fournis)"),
        ("7328293200007A", "14 chiffres"),
        ("", "14 chiffres (0 fournis)"),
    ],
)
def test_bad_sirets_get_a_clear_french_message(value, message, settings):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert message in error.value.messages[0]


@pytest.mark.parametrize("value", ["0330135T", "0330021U", "0330135t"])
def test_good_uai(value):
    validate_uai(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [("0330135M", "lettre de contrôle"), ("033013M", "7 chiffres"), ("ABCDEFGH", "7 chiffres")],
)
def test_bad_uai(value, message):
    with pytest.raises(ValidationError) as error:
        validate_uai(value)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (validate_rncp, ["RNCP34866", "RNCP123"], ["34866", "RNCP12", "rncp34866", "RNCP1234567"]),
        (validate_rome, ["F1703", "K1302", "A1101"], ["F170", "Z1703", "f1703", "F17033"]),
        (validate_naf, ["43.99C", "56.10A"], ["4399C", "43.99", "43.99c"]),
    ],
)
def test_code_formats(validator, good, bad):
    for value in good:
        validator(value)
    for value in bad:
        with pytest.raises(ValidationError):
            validator(value)
