import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from thrasos.core.forms import form_status, submit


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def _post(data):
    return RequestFactory().post("/", data)


def test_an_accepted_form_returns_the_service_result_or_true():
    form = NameForm({"name": "Lyon"})
    assert submit(_post({}), form, lambda data: data["name"].upper()) == "LYON"
    assert form.result == "LYON"
    form = NameForm({"name": "Lyon"})
    assert submit(_post({}), form, lambda data: None) is True
    assert form_status(form) == 200


@pytest.mark.parametrize("data", [{"name": ""}, {"name": "x" * 11}])
def test_an_invalid_form_never_reaches_the_service(data):
    def service(data):
        raise AssertionError("called")

    form = NameForm(data)
    assert submit(_post(data), form, service) is None
    assert form_status(form) == 400


def test_a_refusal_of_the_service_is_shown_on_the_form_with_the_values_kept():
    def service(data):
        raise ValidationError({"name": "Ce nom est déjà pris."})

    form = NameForm({"name": "Lyon"})
    assert submit(_post({}), form, service) is None
    assert form.errors["name"] == ["Ce nom est déjà pris."]
    assert form["name"].value() == "Lyon"
    assert form_status(form) == 400


def test_a_get_shows_the_form():
    form = NameForm()
    assert submit(RequestFactory().get("/"), form, lambda data: 1) is None
    assert form_status(form) == 200
