"""Checks shared by the models and the services."""


def validate_fields(instance, *fields: str) -> None:
    """Run the validators (lengths, bounds) of these fields only: for the
    services that build a row without full_clean() (which would also query
    every foreign key)."""
    names = {f.name for f in instance._meta.concrete_fields}
    instance.clean_fields(exclude=names - set(fields))
