"""School-day arithmetic on a district calendar with a week's break and a holiday (issue 9's
Texas and Massachusetts examples), and a calendar change moving the open deadlines it touches."""
from datetime import date

import pytest
import time_machine

from apps.deadlines.calendar_services import (
    closed_day_add,
    closed_day_remove,
    closed_days_import,
    deadline_period_set,
)
from apps.deadlines.days import add_days
from apps.deadlines.models import ClosedDay, Deadline, Kind, Unit
from apps.evaluations.models import EvaluationRequest

from .conftest import local

SPRING_BREAK = [date(2027, 3, d) for d in (15, 16, 17, 18, 19)]  # Monday to Friday
GOOD_FRIDAY = date(2027, 4, 2)


@pytest.fixture
def calendar(demo):
    district = demo.maya.district_id
    for day in SPRING_BREAK:
        ClosedDay.objects.create(district_id=district, day=day, reason=ClosedDay.Reason.BREAK)
    ClosedDay.objects.create(district_id=district, day=GOOD_FRIDAY, reason=ClosedDay.Reason.HOLIDAY)
    return district


def test_texas_fifteen_school_days_skip_the_break_and_the_holiday(calendar):
    # From Friday 5 March: 8-12 March (5), break, 22-26 (10), 29 March-1 April (14), Good Friday, 5 April.
    assert add_days(calendar, date(2027, 3, 5), 15, Unit.SCHOOL) == date(2027, 4, 5)
    assert add_days(calendar, date(2027, 3, 5), 15, Unit.CALENDAR) == date(2027, 3, 20)


def test_massachusetts_five_school_days_span_the_break(calendar):
    # From Wednesday 10 March: 11, 12, (break), 22, 23, 24.
    assert add_days(calendar, date(2027, 3, 10), 5, Unit.SCHOOL) == date(2027, 3, 24)


def test_business_days_skip_holidays_but_not_breaks(calendar):
    # The break is not a holiday: the district office works. 8-12 (5), 15-19 (10): 19 March.
    assert add_days(calendar, date(2027, 3, 5), 10, Unit.BUSINESS) == date(2027, 3, 19)
    assert add_days(calendar, date(2027, 3, 26), 5, Unit.BUSINESS) == date(2027, 4, 5)


def test_an_evaluation_request_is_due_in_the_districts_school_days_and_moves_with_the_calendar(calendar, demo, flow):
    deadline_period_set(actor=demo.admin, district_id=calendar, kind=Kind.EVALUATION_DECISION, count=15,
                        unit=Unit.SCHOOL)
    with time_machine.travel(local(2027, 3, 5, 10), tick=False):
        flow.request()
        request = EvaluationRequest.objects.get(id=flow.id)
        deadline = Deadline.objects.get(kind=Kind.EVALUATION_DECISION, source_id=request.id)
        assert request.decision_due == deadline.due_on == date(2027, 4, 5)
        assert {p.user_id for p in deadline.participants.filter(role="owner")} == {demo.admin.id}

        # Good Friday moves to the Tuesday after: the decision is due on Friday 2 April instead.
        closed_day_remove(actor=demo.admin, district_id=calendar, day=GOOD_FRIDAY)
        closed_day_add(actor=demo.admin, district_id=calendar, day=date(2027, 4, 6))
    deadline.refresh_from_db()
    assert deadline.due_on == date(2027, 4, 2)
    assert deadline.sequence == 1
    assert deadline.reminders.filter(kind="before", on_date=date(2027, 4, 1)).exists()


def test_only_the_districts_administrators_change_its_calendar(calendar, demo):
    from apps.core.errors import Forbidden

    for person in (demo.casemanager, demo.parent_maya, demo.evaluator):
        with pytest.raises(Forbidden):
            closed_day_add(actor=person, district_id=calendar, day=date(2027, 5, 3))
    assert not ClosedDay.objects.filter(day=date(2027, 5, 3)).exists()


def test_a_malformed_calendar_csv_is_refused_and_changes_nothing(calendar, demo):
    before = ClosedDay.objects.count()
    for text in ("day,reason\n2027-05-03,holiday\n2027-13-01,holiday\n", "2027-05-03,party\n", "\n"):
        from apps.core.errors import ApplicationError
        from apps.deadlines.calendar_services import closed_days_import

        with pytest.raises(ApplicationError) as refused:
            closed_days_import(actor=demo.admin, district_id=calendar, text=text)
        assert refused.value.code == "malformed_calendar" and refused.value.status_code == 400
    assert ClosedDay.objects.count() == before


# California: calendar days that leave out school vacations of more than five school days -------

WINTER_BREAK = [date(2027, 12, 20 + n) for n in range(12) if date(2027, 12, 20 + n).weekday() < 5]  # two weeks
WEATHER_CLOSURE = [date(2028, 2, 2), date(2028, 2, 3), date(2028, 2, 4)]  # Wednesday to Friday
SPRING_WEEK = [date(2028, 3, 13 + n) for n in range(5)]  # exactly five school days
CA = Unit.CALENDAR_EXCLUDING_LONG_BREAKS


@pytest.fixture
def california(demo):
    district = demo.maya.district_id
    for day in WINTER_BREAK + SPRING_WEEK:
        ClosedDay.objects.create(district_id=district, day=day, reason=ClosedDay.Reason.BREAK)
    for day in WEATHER_CLOSURE:
        ClosedDay.objects.create(district_id=district, day=day, reason=ClosedDay.Reason.WEATHER)
    return district


def test_california_leaves_out_a_two_week_winter_break_weekends_and_all(california):
    assert len(WINTER_BREAK) == 10
    # 15 days from Wednesday 15 December: 16 and 17 December (2), the break from Saturday 18
    # December to Sunday 2 January is not counted, then 3 January (3) ... 15 January (15).
    assert add_days(california, date(2027, 12, 15), 15, CA) == date(2028, 1, 15)
    assert add_days(california, date(2027, 12, 15), 15, Unit.CALENDAR) == date(2027, 12, 30)
    # Starting inside the break: nothing is counted until school is back.
    assert add_days(california, date(2027, 12, 22), 1, CA) == date(2028, 1, 3)


def test_california_counts_a_three_day_closure_and_a_break_of_exactly_five_school_days(california):
    # "in excess of five schooldays": a 3-day weather closure and a one-week break are counted.
    assert add_days(california, date(2028, 2, 1), 10, CA) == date(2028, 2, 11)
    assert add_days(california, date(2028, 3, 10), 10, CA) == date(2028, 3, 20)


def test_california_a_break_of_six_school_days_is_left_out(california, demo):
    closed_day_add(actor=demo.admin, district_id=california, day=date(2028, 3, 20), reason=ClosedDay.Reason.BREAK)
    # Saturday 11 March to Monday 20 March (six closed weekdays) are left out: 10 and 21-29 March.
    assert add_days(california, date(2028, 3, 9), 10, CA) == date(2028, 3, 29)


def test_a_california_deadline_moves_when_the_winter_break_is_entered(demo, flow):
    district = demo.maya.district_id
    deadline_period_set(actor=demo.admin, district_id=district, kind=Kind.EVALUATION_DECISION, count=15, unit=CA)
    with time_machine.travel(local(2027, 12, 15, 10), tick=False):
        flow.request()
        deadline = Deadline.objects.get(kind=Kind.EVALUATION_DECISION, source_id=flow.id)
        assert deadline.due_on == date(2027, 12, 30)  # no break entered yet: calendar days
        closed_days_import(actor=demo.admin, district_id=district,
                           text="day,reason\n" + "".join(f"{d.isoformat()},break\n" for d in WINTER_BREAK))
    deadline.refresh_from_db()
    assert deadline.due_on == date(2028, 1, 15)
