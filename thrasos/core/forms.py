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


def submit(request, form, service):
    """The one way a page runs a form through a service. On a POST with a
    valid form, `service(form.cleaned_data)` is called and, once it accepted,
    its result is returned (and kept as `form.result`); a service that returns
    nothing (or a false value) gives True, so that an accepted form always
    reads true. A GET, an invalid form, or a ValidationError from the service
    (shown on the form, with the values as typed) give None; the page then
    renders the form with `status=form_status(form)`:

        if session := submit(request, form, lambda data: services.session_create(
                actor=request.user, data=data)):
            return redirect(session)
        return render(request, "…", {"form": form}, status=form_status(form))
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        form.result = service(form.cleaned_data)
    except ValidationError as error:
        add_validation_error(form, error)
        return None
    return form.result or True


def form_status(form) -> int:
    """400 for a form sent back with errors (the values kept), else 200."""
    return 400 if form.is_bound and form.errors else 200
