"""Dates and times as a school in Wales lives them, through the real flows with the bot's clock set: concern reports
reminded and passed up on working days (no bank holiday, no school holiday, counted on UK calendars), the reporter and
the holder told the day it goes on, and a daily limit that says when it lets the person send again."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.concerns import ConcernReport
from bot.domain.federation import Federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.people import Lang, Person
from bot.domain.uk_time import in_uk
from bot.storage.memory import MemoryConcernReports
from cards.i18n import Catalogue
from dialogs.base import Reply
from tests.flows.conftest import (
    CARYS,
    GARETH,
    SIAN,
    BotInMemory,
    Clock,
    NoIndex,
    open_bot,
    text_of,
    with_school_holidays,
)
from tests.support.cards import inputs, verb_data
from tests.support.policies import fixture_policy

SECRET = "Dafydd from the science department keeps sending me nasty direct messages about my lessons"
SUMMER = {"from": "2026-07-21", "to": "2026-09-01", "name": "Summer holidays"}


async def _bot(strings: Catalogue, federation: Federation, clock: Clock) -> BotInMemory:
    """The bot at the clock's time; the staff list says Carys's line manager is Gareth; everyone has opened it."""
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    bot = open_bot(strings, federation, lambda: in_force, clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    return bot


async def _report(bot: BotInMemory, lang: Lang = Lang.EN, what: str = SECRET) -> Reply:
    form = await bot.says(CARYS, "report a concern", lang=lang)
    return await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                            lang=lang)


async def _only_report(bot: BotInMemory) -> ConcernReport:
    [report] = await MemoryConcernReports(bot.store).list_all()
    return report


async def _every_day(bot: BotInMemory, clock: Clock, first: date, last: date, at: time) -> None:
    """The reminder task runs once a day at `at` (UTC), from `first` to `last`."""
    day = first
    while day <= last:
        clock.now = datetime.combine(day, at, tzinfo=UTC)
        await bot.checks_reports()
        day += timedelta(days=1)


def _uk_day(moment: datetime | None) -> date | None:
    return in_uk(moment).date() if moment is not None else None


async def test_a_report_sent_on_the_last_day_of_the_summer_term_waits_for_the_school_days_of_september(
        strings: Catalogue) -> None:
    """Before, a report sent on Monday 20 July reminded Gareth on the 22nd, reached the headteacher on the 24th and
    the chair of governors on the 30th, all in the holidays; the receipt said only "after four working days"."""
    clock = Clock(datetime(2026, 7, 20, 14, 0, tzinfo=UTC))  # 15:00 BST, the last day of the summer term
    bot = await _bot(strings, with_school_holidays(SUMMER), clock)

    receipt = await _report(bot)
    await _every_day(bot, clock, date(2026, 7, 21), date(2026, 9, 2), time(16, 0))
    in_the_holidays = await _only_report(bot)
    await _every_day(bot, clock, date(2026, 9, 3), date(2026, 9, 8), time(16, 0))
    report = await _only_report(bot)

    assert in_the_holidays.reminded_at is None and in_the_holidays.level == 0
    assert _uk_day(report.reminded_at) == date(2026, 9, 3)  # the second school day of the autumn term
    assert _uk_day(report.escalated_at) == date(2026, 9, 7) and report.holder.aad_object_id == SIAN.aad_object_id
    assert "it goes on to Mrs Siân Roberts on Monday 7 September" in text_of(receipt.card)
    [reminder] = [card for card in await bot.cards_for(GARETH) if "Reminder" in text_of(card)]
    # The task ran at 17:00 BST, as school hours end: passed up then on the 7th, it reaches her at 08:00 on the 8th.
    assert "it goes to Mrs Siân Roberts at 08:00 on Tuesday 8 September" in text_of(reminder)


async def test_the_welsh_receipt_gives_the_day_in_welsh(strings: Catalogue) -> None:
    clock = Clock(datetime(2026, 7, 20, 14, 0, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(SUMMER), clock)

    receipt = await _report(bot, Lang.CY)

    assert "bydd Mrs Siân Roberts yn ei gael ddydd Llun 7 Medi" in text_of(receipt.card)


async def test_christmas_and_the_boxing_day_holiday_are_not_working_days(strings: Catalogue) -> None:
    """Settings with no school holidays still know the bank holidays: before, a report sent on Wednesday 23 December
    2026 reminded Gareth on Christmas Day and went to the headteacher on the 29th."""
    clock = Clock(datetime(2026, 12, 23, 10, 0, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(), clock)

    receipt = await _report(bot)
    await _every_day(bot, clock, date(2026, 12, 24), date(2026, 12, 30), time(12, 0))
    with_gareth = await _only_report(bot)
    await _every_day(bot, clock, date(2026, 12, 31), date(2027, 1, 5), time(12, 0))
    with_the_head = await _only_report(bot)

    assert _uk_day(with_gareth.reminded_at) == date(2026, 12, 29)  # Thursday 24th, then Tuesday 29th
    assert _uk_day(with_the_head.escalated_at) == date(2026, 12, 31)
    assert _uk_day(with_the_head.reminded_at) == date(2027, 1, 5)  # New Year's Day is a bank holiday too
    assert "on Thursday 31 December" in text_of(receipt.card)


async def test_a_report_sent_at_half_past_midnight_on_a_saturday_in_summer_counts_from_the_weekend(
        strings: Catalogue) -> None:
    """00:30 BST on Saturday is still Friday in UTC: counted in UTC, Gareth was reminded on Wednesday, a day late."""
    clock = Clock(datetime(2026, 10, 9, 23, 30, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(), clock)
    await _report(bot)

    clock.now = datetime(2026, 10, 12, 23, 40, tzinfo=UTC)  # 00:40 BST on Tuesday: Monday and Tuesday
    await bot.checks_reports()

    assert _uk_day((await _only_report(bot)).reminded_at) == date(2026, 10, 13)


async def _reports_until_refused(bot: BotInMemory, lang: Lang = Lang.EN) -> Reply:
    # Each in other words: the same words again, while the first is open, are that report, not another.
    for n in range(5):
        assert "has not been sent" not in text_of((await _report(bot, lang, f"{SECRET} ({n + 1})")).card)
    return await _report(bot, lang, f"{SECRET} (6)")


@pytest.mark.parametrize(("lang", "said"), [(Lang.EN, "please send it from 08/09/2026 14:00"),
                                            (Lang.CY, "anfonwch ef o 08/09/2026 14:00 ymlaen")])
async def test_a_report_over_the_daily_limit_says_when_it_can_be_sent(strings: Catalogue, lang: Lang,
                                                                      said: str) -> None:
    """Five reports from 14:00 (BST) on Monday; the sixth was told "please send it tomorrow", and sent on Tuesday
    morning it was refused again: the limit counts 24 hours from the first."""
    clock = Clock(datetime(2026, 9, 7, 13, 0, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(), clock)

    refused = await _reports_until_refused(bot, lang)
    clock.now = datetime(2026, 9, 8, 8, 0, tzinfo=UTC)  # 09:00 BST on Tuesday
    still = await _report(bot, lang, f"{SECRET} (6)")
    clock.now = datetime(2026, 9, 8, 13, 0, tzinfo=UTC)
    sent = await _report(bot, lang, f"{SECRET} (6)")

    assert said in text_of(refused.card) and said in text_of(still.card)
    assert "tomorrow" not in text_of(refused.card) and "yfory" not in text_of(refused.card)
    assert len(await MemoryConcernReports(bot.store).list_all()) == 6 and "has not been sent" not in text_of(sent.card)


def _request(start: date) -> dict[str, str]:
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": "Share Year 9 geography field trip highlights with parents.",
            "audience": "parents", "pupil_content": "work", "consent": "Only work, no names; parents opted in.",
            "moderator": "Carys Jenkins", "moderation": "daily", "start": start.isoformat(), "end": "",
            "ongoing": "true", "confirm": "true"}


async def _requests(bot: BotInMemory, person: Person, count: int, start: date) -> list[Reply]:
    """`count` requests, each for a trip of its own (the same request sent again would reach nobody)."""
    sent = []
    for trip in range(count):
        form = await bot.says(person, "request permission")
        sent.append(await bot.clicks(person, "permission.submit", {
            **_request(start), "purpose": f"Share Year 9 geography field trip {trip} highlights with parents.",
            **verb_data(form.card or {}, "permission.submit")}))
    return sent


async def test_a_permission_request_over_the_daily_limit_says_when_it_can_be_sent_in_uk_time(
        strings: Catalogue) -> None:
    """Ten requests from 23:30 UTC on a summer Sunday, 00:30 on Monday in Llanidloes: the eleventh is told the UK
    time the limit lets her send again, not "tomorrow" (which is still inside the 24 hours)."""
    clock = Clock(datetime(2026, 9, 6, 23, 30, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(), clock)

    *sent, refused = await _requests(bot, CARYS, 11, date(2026, 9, 7))

    assert all("has not been sent" not in text_of(reply.card) for reply in sent)
    assert "please send it from 08/09/2026 00:30" in text_of(refused.card)
    assert "in 24 hours" in text_of(refused.card) and "today" not in text_of(refused.card)


async def test_at_half_past_midnight_in_summer_the_request_form_starts_on_the_uk_day(strings: Catalogue) -> None:
    """00:30 BST on 16 July is still 15 July in UTC: the pickers start on the 16th, and the 15th is refused as past."""
    clock = Clock(datetime(2026, 7, 15, 23, 30, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(), clock)

    form = await bot.says(CARYS, "request permission")
    token = verb_data(form.card or {}, "permission.submit")
    yesterday = await bot.clicks(CARYS, "permission.submit", {**_request(date(2026, 7, 15)), **token})
    today = await bot.clicks(CARYS, "permission.submit", {**_request(date(2026, 7, 16)), **token})

    pickers = [i.get("min") for i in inputs(form.card) if i["type"] == "Input.Date"]
    assert pickers == ["2026-07-16", "2026-07-16"]
    assert strings.text("perm.error.start_past", Lang.EN) in text_of(yesterday.card)
    assert "permission.withdraw" in text_of(today.card)


async def test_an_approval_ending_today_is_on_the_register_until_midnight_on_uk_clocks(strings: Catalogue) -> None:
    """Approved until 16 July: at 23:30 BST on the 16th it is still an official account; at 00:30 BST on the 17th
    (23:30 UTC on the 16th) it is not."""
    clock = Clock(datetime(2026, 7, 14, 9, 0, tzinfo=UTC))
    bot = await _bot(strings, with_school_holidays(), clock)
    form = await bot.says(CARYS, "request permission")
    await bot.clicks(CARYS, "permission.submit", {**_request(date(2026, 7, 14)), "end": "2026-07-16", "ongoing": "",
                                                  **verb_data(form.card or {}, "permission.submit")})
    [for_head] = await bot.cards_for(SIAN)
    await bot.clicks(SIAN, "permission.approve", verb_data(for_head, "permission.approve"))

    clock.now = datetime(2026, 7, 16, 22, 30, tzinfo=UTC)
    late_evening = await bot.clicks(SIAN, "permission.register", {})
    clock.now = datetime(2026, 7, 16, 23, 30, tzinfo=UTC)
    after_midnight = await bot.clicks(SIAN, "permission.register", {})

    assert "14/07/2026 – 16/07/2026" in text_of(late_evening.card)
    assert strings.text("perm.register_empty", Lang.EN) in text_of(after_midnight.card)
