"""Showing a service's refusal on a page's form."""
from .errors import ApplicationError


def apply_service_error(form, error: ApplicationError) -> None:
    """Puts the refusal next to the fields it names, or above the form when it names none."""
    named = {name: problems for name, problems in error.fields.items() if name in form.fields}
    for name, problems in named.items():
        for problem in problems:
            form.add_error(name, problem)
    if not named:
        form.add_error(None, error.message)
