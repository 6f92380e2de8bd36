from django.core.exceptions import ValidationError


def add_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named fields when
    the form has them, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)
