from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """A TextField whose max_length is also checked by model validation.
    Django's TextField passes max_length to its form field (and DRF's
    ModelSerializer honours it), but neither the model nor the database
    checks it: a service called from elsewhere would store any length."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))
