"""The one place that bounds what the API accepts: integers, dates and how deep JSON nests.

An integer past 64 bits crashes the database driver (SQLite: OverflowError; PostgreSQL: out of
range for bigint), JSON nested thousands deep crashes the decoder (RecursionError), and a date in
year 9999 is accepted today and overflows tomorrow's arithmetic (`report_due + 30 days`). Each of
these is the client's mistake and is answered 400, here, before any view or service sees it:

- JSON bodies: `bounded_json_loads` (used by the API boundary middleware for every JSON body under
  /api/, and by `BoundedJSONParser`) refuses integers outside the 64-bit range and nesting deeper
  than MAX_JSON_DEPTH;
- serializer fields: `InputSerializer` (the base of every input serializer) gives every integer
  field the 64-bit range unless it declares a narrower one, and every date or date-time field
  [MIN_DATE, MAX_DATE], also in nested serializers and lists;
- query parameters: `query_params(request, Serializer)` reads them through such a serializer, and
  the pagination reads `page` and `page_size` the same way.
"""
import datetime
import json

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# No IEP, deadline or report is planned before 1900 or after 2199; anything outside is a typo, and
# this leaves centuries of room for the date arithmetic done on accepted dates.
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2199, 12, 31)
# The deepest body the API takes nests a few levels (findings: object → list → object).
MAX_JSON_DEPTH = 32


class JSONBoundsError(ValueError):
    """A JSON body outside the bounds; `code` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _bounded_int(text: str) -> int:
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise JSONBoundsError("number_out_of_range",
                              _("A number in the request is outside the range this service accepts "
                                "(64-bit integers)."))
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _depth_of(value) -> int:
    """How deep containers nest in a decoded JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> JSONBoundsError:
    return JSONBoundsError("nesting_too_deep",
                           _("The request's JSON nests deeper than %(n)s levels.") % {"n": MAX_JSON_DEPTH})


def bounded_json_loads(text: str):
    """json.loads, refusing integers outside 64 bits, NaN/Infinity and deep nesting.
    Raises JSONBoundsError for a bound, ValueError for anything else that is not JSON."""
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_constant=_refuse_constant)
    except RecursionError:
        # The C decoder gives up near the interpreter's recursion limit: deeper than any bound.
        raise _too_deep() from None
    if _depth_of(value) > MAX_JSON_DEPTH:
        raise _too_deep()
    return value


class BoundedParseError(ParseError):
    def __init__(self, error: JSONBoundsError):
        super().__init__(error.message, code=error.code)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the bounds above."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return bounded_json_loads(stream.read().decode(encoding))
        except JSONBoundsError as error:
            raise BoundedParseError(error) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None


# Serializer fields ---------------------------------------------------------------------------

def _bound_integer(field: serializers.IntegerField) -> None:
    if field.max_value is None or field.max_value > INT64_MAX:
        field.max_value = INT64_MAX
        field.validators.append(MaxValueValidator(INT64_MAX, message=field.error_messages["max_value"].format(
            max_value=INT64_MAX)))
    if field.min_value is None or field.min_value < INT64_MIN:
        field.min_value = INT64_MIN
        field.validators.append(MinValueValidator(INT64_MIN, message=field.error_messages["min_value"].format(
            min_value=INT64_MIN)))


DATE_OUT_OF_RANGE = gettext_lazy("Enter a date between %(min)s and %(max)s.")


class _DateBoundValidator:
    """Keeps accepted dates (and date-times, by their date) within [MIN_DATE, MAX_DATE]."""

    def __call__(self, value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not MIN_DATE <= day <= MAX_DATE:
            raise serializers.ValidationError(
                DATE_OUT_OF_RANGE % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}, code="date_out_of_range")


def _bound_date(field) -> None:
    if not any(isinstance(v, _DateBoundValidator) for v in field.validators):
        field.validators.append(_DateBoundValidator())


def bound_field(field) -> None:
    """Applies the bounds to one field and whatever it holds (a list's child, a nested serializer)."""
    if isinstance(field, serializers.IntegerField):
        _bound_integer(field)
    elif isinstance(field, (serializers.DateField, serializers.DateTimeField)):
        _bound_date(field)
    elif isinstance(field, (serializers.ListField, serializers.DictField)):
        bound_field(field.child)
    elif isinstance(field, serializers.ListSerializer):
        bound_field(field.child)
    elif isinstance(field, serializers.Serializer):
        for nested in field.fields.values():
            bound_field(nested)


class InputSerializer(serializers.Serializer):
    """The base of every input serializer (bodies and query parameters): the bounds above apply
    to all its fields, nested ones included, without each view restating them."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            bound_field(field)
        return fields


def query_params(request, serializer_class: type[serializers.Serializer]) -> dict:
    """The query parameters a view reads, validated (and bounded) by `serializer_class`; bad ones
    answer 400 naming the parameter."""
    query = serializer_class(data=request.query_params)
    for field in query.fields.values():
        bound_field(field)
    query.is_valid(raise_exception=True)
    return query.validated_data

