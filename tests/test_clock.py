"""The clock as pure arithmetic: time is passed in, nothing sleeps."""

import pytest

from facilitator.core import clock as c

MIN = 60_000
PLANNED = [15 * MIN, 70 * MIN, 5 * MIN]


def started(now=0):
    return c.apply(c.new(PLANNED), "start", PLANNED, now)


def test_a_new_clock_is_ready_with_the_first_items_planned_time():
    clock = c.new(PLANNED)
    assert (clock.index, clock.status, clock.remaining(123)) == (0, c.READY, 15 * MIN)


def test_start_sets_a_deadline_and_the_remaining_time_follows_the_clock():
    clock = started(now=1000)
    assert clock.deadline_ms == 1000 + 15 * MIN
    assert clock.remaining(1000 + 5 * MIN) == 10 * MIN


def test_pause_keeps_the_time_left_and_resume_sets_a_new_deadline():
    paused = c.apply(started(0), "pause", PLANNED, 4 * MIN)
    assert paused.status == c.PAUSED and paused.remaining(99 * MIN) == 11 * MIN
    resumed = c.apply(paused, "resume", PLANNED, 50 * MIN)
    assert resumed.deadline_ms == 61 * MIN


def test_extend_adds_to_the_deadline_while_running_and_to_the_time_left_while_paused():
    assert c.apply(started(0), "extend", PLANNED, 1, extend_ms=MIN).deadline_ms == 16 * MIN
    paused = c.apply(started(0), "pause", PLANNED, 5 * MIN)
    assert c.apply(paused, "extend", PLANNED, 6 * MIN, extend_ms=5 * MIN).remaining_ms == 15 * MIN


@pytest.mark.parametrize("ms", [0, -MIN, 61 * MIN])
def test_extend_refuses_nothing_negative_or_more_than_an_hour(ms):
    with pytest.raises(c.ClockError):
        c.apply(started(0), "extend", PLANNED, 0, extend_ms=ms)


def test_overrun_is_negative_time_left():
    assert started(0).remaining(17 * MIN) == -2 * MIN


def test_next_starts_the_next_item_at_once_with_its_planned_time():
    clock = c.apply(started(0), "next", PLANNED, 16 * MIN)
    assert (clock.index, clock.status, clock.deadline_ms) == (1, c.RUNNING, 16 * MIN + 70 * MIN)
    assert clock.history[0] == {"started_ms": 0, "ended_ms": 16 * MIN, "left_ms": -MIN}


def test_back_returns_paused_with_the_time_the_item_had_left():
    clock = c.apply(started(0), "next", PLANNED, 10 * MIN)
    back = c.apply(clock, "back", PLANNED, 11 * MIN)
    assert (back.index, back.status, back.remaining_ms) == (0, c.PAUSED, 5 * MIN)
    again = c.apply(back, "next", PLANNED, 12 * MIN)  # and forward again keeps step two's time
    assert again.deadline_ms == 12 * MIN + 69 * MIN


@pytest.mark.parametrize("clock, action", [
    (c.new(PLANNED), "pause"),
    (started(0), "start"),
    (c.new(PLANNED), "back"),
])
def test_actions_that_do_not_fit_are_refused(clock, action):
    with pytest.raises(c.ClockError):
        c.apply(clock, action, PLANNED, 0)


def test_next_on_the_last_item_is_refused():
    clock = started(0)
    for t in (1, 2):
        clock = c.apply(clock, "next", PLANNED, t)
    with pytest.raises(c.ClockError, match="last item"):
        c.apply(clock, "next", PLANNED, 3)


def test_unknown_action_is_refused():
    with pytest.raises(c.ClockError, match="unknown"):
        c.apply(started(0), "explode", PLANNED, 0)


def test_a_stored_clock_comes_back_identical_after_a_restart():
    clock = c.apply(c.apply(started(0), "next", PLANNED, 14 * MIN), "pause", PLANNED, 20 * MIN)
    import json
    restored = c.Clock.from_dict(json.loads(json.dumps(clock.to_dict())))
    assert restored == clock
    assert restored.remaining(10**12) == 64 * MIN


def test_schedule_before_the_day_starts_projects_from_the_planned_start():
    plan = c.schedule(c.new(PLANNED), PLANNED, now=0, planned_start_ms=30 * MIN)
    assert [i["projected_start_ms"] for i in plan["items"]] == [30 * MIN, 45 * MIN, 115 * MIN]
    assert plan["late_ms"] == 0


def test_schedule_counts_a_late_start_and_an_overrun():
    clock = c.apply(c.new(PLANNED), "start", PLANNED, 10 * MIN)  # ten minutes late
    clock = c.apply(clock, "next", PLANNED, 30 * MIN)  # presentation ran 20 of 15 minutes
    plan = c.schedule(clock, PLANNED, now=40 * MIN, planned_start_ms=0)
    assert plan["late_ms"] == 15 * MIN
    assert plan["items"][0]["projected_start_ms"] == 10 * MIN
    assert plan["items"][1]["projected_start_ms"] == 30 * MIN
    assert plan["items"][2]["projected_start_ms"] == 100 * MIN
    assert plan["items"][2]["planned_start_ms"] == 85 * MIN


def test_schedule_of_a_paused_item_assumes_it_resumes_now():
    clock = c.apply(started(0), "pause", PLANNED, 5 * MIN)
    plan = c.schedule(clock, PLANNED, now=25 * MIN)
    assert plan["late_ms"] == 20 * MIN


def test_schedule_of_an_overrunning_item_grows_later_by_the_minute():
    plan_at = lambda t: c.schedule(started(0), PLANNED, now=t)["late_ms"]
    assert plan_at(15 * MIN) == 0 and plan_at(18 * MIN) == 3 * MIN
