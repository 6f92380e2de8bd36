import pytest

from thrasos.core.exports import spreadsheet_safe


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://example.org","clic")',
        "+33 =1+2",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+2",
        "\r=1+2",
    ],
)
def test_cells_a_spreadsheet_would_compute_are_quoted(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Hélène", "Hélène"),
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_other_cells_are_left_alone(value, expected):
    assert spreadsheet_safe(value) == expected
