"""The federation's schools and who decides for each, from a settings file the office keeps.

Every Entra id in it (tenants, people) is kept as Teams sends it, in lower case, so that comparing one with the
sender of an activity or a staff-list row is a plain `==` wherever it is made."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.domain.people import Lang, Person, StaffContact, entra_id, is_entra_id
from bot.domain.school_calendar import SchoolCalendar, SchoolHoliday, SchoolHours
from bot.policy.notes import Note, note, os_fault


class FederationConfigError(ValueError):
    """The federation settings file is not usable; the message says where and why, and `note` says it in the string
    tables' words (`federation.*`), for the language of `check-federation --lang`."""

    def __init__(self, message: str, said: Note | None = None) -> None:
        super().__init__(message)
        self.note = said


@dataclass(frozen=True)
class School:
    """One school of the federation and the people who decide for it."""

    school_id: str
    name_en: str
    name_cy: str
    headteacher: StaffContact
    delegates: tuple[StaffContact, ...] = ()

    def name(self, lang: Lang) -> str:
        """The school's name in a language."""
        return self.name_cy if lang is Lang.CY else self.name_en

    def may_decide(self, person: Person) -> bool:
        """True for the headteacher and named delegates."""
        deciders = (self.headteacher, *self.delegates)
        return any(person.aad_object_id == contact.aad_object_id for contact in deciders)


@dataclass(frozen=True)
class Federation:
    """The federation: its tenant, schools and the contacts the flows escalate to."""

    tenant_ids: tuple[str, ...]
    name_en: str
    name_cy: str
    schools: tuple[School, ...]
    policy_owner: StaffContact
    chair_of_governors: StaffContact | None = None
    # The days a school is closed besides weekends and bank holidays (each naming its schools, or none for all): not
    # working days for the reminders of its staff.
    school_holidays: tuple[SchoolHoliday, ...] = ()
    # When automatic reminders and escalations may reach people (`SCHOOL_HOURS`, not in the settings file).
    school_hours: SchoolHours = SchoolHours()

    @property
    def calendar(self) -> SchoolCalendar:
        """The federation's working days: weekdays, less bank holidays and the school holidays of every school (the
        chair of governors', and anyone's whose school is not known)."""
        return self.calendar_for(())

    def calendar_for(self, schools: Iterable[str]) -> SchoolCalendar:
        """The working days of someone at these schools (ids): a school holiday is a day off only when it closes every
        one of them, so an executive head of two schools works while either is open. No known school: the
        federation's."""
        known = {s.school_id for s in self.schools}
        named = set(schools) & known
        at = named or known
        return SchoolCalendar(tuple(h for h in self.school_holidays if h.closes_all(at)), self.school_hours,
                              tuple(sorted(named)))

    def schools_of(self, contact: StaffContact, listed_at: str = "") -> tuple[str, ...]:
        """The schools someone works at: those they head, and `listed_at` (their school on the staff list)."""
        headed = [s.school_id for s in self.schools if s.headteacher.aad_object_id == contact.aad_object_id.lower()]
        return tuple(dict.fromkeys([*headed, *([listed_at] if listed_at else [])]))

    def name(self, lang: Lang) -> str:
        """The federation's name in a language."""
        return self.name_cy if lang is Lang.CY else self.name_en

    def school(self, school_id: str) -> School:
        """The school with this id; raise `KeyError` when unknown."""
        for school in self.schools:
            if school.school_id == school_id:
                return school
        raise KeyError(school_id)

    def serves_tenant(self, tenant_id: str) -> bool:
        """True when activities from this tenant belong to the federation."""
        return entra_id(tenant_id) in self.tenant_ids

    def schools_decided_by(self, person: Person) -> tuple[School, ...]:
        """The schools whose requests this person may decide."""
        return tuple(school for school in self.schools if school.may_decide(person))

    def named(self) -> tuple[StaffContact, ...]:
        """Everyone these settings name: headteachers, delegates, the policy owner and the chair of governors."""
        return (*(c for s in self.schools for c in (s.headteacher, *s.delegates)), self.policy_owner,
                *((self.chair_of_governors,) if self.chair_of_governors else ()))

    def display_name(self, aad_object_id: str, name: str) -> str:
        """One name for each person wherever they appear: the name these settings give the people they name
        (headteachers, delegates, policy owner, chair of governors), else `name` (from Teams, Graph or the staff
        list)."""
        return next((c.name for c in self.named() if c.aad_object_id.lower() == aad_object_id.lower()), name)

    def names(self, person: Person) -> bool:
        """True for someone these settings name: a headteacher, a delegate, the policy owner or the chair."""
        me = person.aad_object_id.lower()
        return bool(me) and any(c.aad_object_id.lower() == me for c in self.named())

    def deciders_for(self, school: School, requester: Person) -> tuple[StaffContact, ...]:
        """Who decides this person's requests at `school`: its headteacher and named delegates, never the requester
        (a headteacher's own go to her delegates). A headteacher's own request at a school with no delegate goes to the
        federation's other headteachers; none (an executive head of every school, with no delegate): nobody can."""
        def not_theirs(contacts: Iterable[StaffContact]) -> tuple[StaffContact, ...]:
            return _distinct(c for c in contacts if c.aad_object_id != requester.aad_object_id)

        return not_theirs((school.headteacher, *school.delegates)) or not_theirs(s.headteacher for s in self.schools)

    def may_decide(self, school: School, requester: Person, person: Person) -> bool:
        """True when `person` is one of those who decide `requester`'s requests at `school`."""
        return any(c.aad_object_id == person.aad_object_id for c in self.deciders_for(school, requester))

    def schools_headed_by(self, person: Person) -> tuple[School, ...]:
        """The schools this person is the headteacher of (a named delegate is not)."""
        return tuple(s for s in self.schools if s.headteacher.aad_object_id == person.aad_object_id)

    def is_headteacher(self, person: Person) -> bool:
        """True when the person is the headteacher of any school."""
        return any(s.headteacher.aad_object_id == person.aad_object_id for s in self.schools)

    def oversees_policy(self, person: Person) -> bool:
        """The policy owner or a headteacher: who sees the questions for review. Not a named delegate, who stands in on
        permission requests only (a colleague's question may name her)."""
        return person.aad_object_id == self.policy_owner.aad_object_id or self.is_headteacher(person)


def _distinct(contacts: Iterable[StaffContact]) -> tuple[StaffContact, ...]:
    """Each person once (an executive head heads several schools), in order."""
    first: dict[str, StaffContact] = {}
    for contact in contacts:
        first.setdefault(contact.aad_object_id, contact)
    return tuple(first.values())


def _contact(raw: Any, where: str) -> StaffContact:
    if not isinstance(raw, dict):
        raise FederationConfigError(f"{where}: expected an object with aad_object_id and name",
                                    note("federation.not_a_contact", where=where))
    object_id, name = raw.get("aad_object_id"), raw.get("name")
    if not isinstance(object_id, str) or not object_id or not isinstance(name, str) or not name:
        raise FederationConfigError(f"{where}: aad_object_id and name are required strings",
                                    note("federation.contact_fields", where=where))
    if not is_entra_id(object_id):
        # An email or a name here is never matched: the bot would not know the person.
        raise FederationConfigError(f"{where}.aad_object_id: {object_id!r} is not an Entra object id "
                                    "(az ad user show --id EMAIL --query id -o tsv prints it)",
                                    note("federation.not_an_entra_id", where=f"{where}.aad_object_id",
                                         value=repr(object_id)))
    email = raw.get("email", "")
    return StaffContact(aad_object_id=entra_id(object_id), name=name, email=email if isinstance(email, str) else "")


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FederationConfigError(f"{where}.{key}: a non-empty string is required",
                                    note("federation.text_required", where=f"{where}.{key}"))
    return value


def _day(raw: dict[str, Any], key: str, where: str) -> date:
    value = raw.get(key)
    if value is None:
        raise FederationConfigError(f"{where}.{key}: a date written YYYY-MM-DD is required",
                                    note("federation.date_required", where=f"{where}.{key}"))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2026-02-30
    raise FederationConfigError(f"{where}.{key}: {value!r} is not a date written YYYY-MM-DD (2026-10-26)",
                                note("federation.not_a_date", where=f"{where}.{key}", value=repr(value)))


def _holiday_schools(raw: dict[str, Any], where: str, schools: Sequence[School]) -> tuple[str, ...]:
    """The ids of the schools a holiday closes, named by id, English or Welsh name (any case); none: every school."""
    if "schools" not in raw:
        return ()
    named = raw["schools"]
    if not isinstance(named, list):
        raise FederationConfigError(f'{where}.schools: expected a list of schools, such as ["{schools[-1].school_id}"]',
                                    note("federation.schools_not_a_list", where=f"{where}.schools",
                                         example=schools[-1].school_id))
    if not named:
        raise FederationConfigError(f'{where}.schools: name at least one school, or leave "schools" out for a day '
                                    "every school is closed",
                                    note("federation.schools_empty", where=f"{where}.schools"))
    ids: list[str] = []
    for index, name in enumerate(named):
        school = next((s for s in schools if isinstance(name, str) and name.strip().casefold() in
                       {s.school_id.casefold(), s.name_en.casefold(), s.name_cy.casefold()}), None)
        if school is None:
            known = ", ".join(s.school_id for s in schools)
            raise FederationConfigError(
                f"{where}.schools[{index}]: {name!r} is not a school of the federation: give its id "
                f'({known}), English name or Welsh name, as under "schools"',
                note("federation.not_a_school", where=f"{where}.schools[{index}]", name=repr(name), ids=known))
        ids.append(school.school_id)
    return tuple(dict.fromkeys(ids))


# Nine weeks: longer than any school's summer holiday; a longer entry is a mistyped year or month.
LONGEST_HOLIDAY_DAYS = 63


def _school_holidays(raw: Any, schools: Sequence[School]) -> tuple[SchoolHoliday, ...]:
    """The `school_holidays` list: each {"from": "2026-10-26", "to": "2026-10-30", "name": "...", "schools": [...]};
    "to" left out is one day (an INSET day), "schools" left out is every school."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FederationConfigError("school_holidays: expected a list",
                                    note("federation.not_a_list", where="school_holidays"))
    holidays: list[SchoolHoliday] = []
    for index, item in enumerate(raw):
        where = f"school_holidays[{index}]"
        if not isinstance(item, dict):
            raise FederationConfigError(f'{where}: expected an object with "from" and "to"',
                                        note("federation.not_a_holiday", where=where))
        first = _day(item, "from", where)
        last = _day(item, "to", where) if "to" in item else first
        if last < first:
            raise FederationConfigError(f'{where}: "to" ({last}) is before "from" ({first})',
                                        note("federation.to_before_from", where=where, first=first, last=last))
        if (days := (last - first).days + 1) > LONGEST_HOLIDAY_DAYS:
            # A mistyped year or month would make every day until then a day off for reminders and escalations.
            raise FederationConfigError(
                f"{where}: {first} to {last} is {days} days, longer than any school holiday (the summer's is about "
                f'six weeks; at most {LONGEST_HOLIDAY_DAYS} days are taken): check the year and month of "from" and '
                '"to"', note("federation.too_long", where=where, first=first, last=last, count=days,
                              limit=LONGEST_HOLIDAY_DAYS))
        name = item.get("name", "")
        holidays.append(SchoolHoliday(first, last, name if isinstance(name, str) else "",
                                      _holiday_schools(item, where, schools)))
    return tuple(holidays)


def parse_federation(raw: Any) -> Federation:
    """Build the federation from parsed JSON, raising `FederationConfigError` with the exact place."""
    if not isinstance(raw, dict):
        raise FederationConfigError("the file must hold a JSON object", note("federation.not_an_object_file"))
    tenants = raw.get("tenant_ids")
    if not isinstance(tenants, list) or not tenants or not all(isinstance(t, str) and t for t in tenants):
        raise FederationConfigError("tenant_ids: a non-empty list of tenant id strings is required",
                                    note("federation.tenants_required"))
    schools_raw = raw.get("schools")
    if not isinstance(schools_raw, list) or not schools_raw:
        raise FederationConfigError("schools: a non-empty list is required", note("federation.schools_required"))
    schools: list[School] = []
    for index, item in enumerate(schools_raw):
        where = f"schools[{index}]"
        if not isinstance(item, dict):
            raise FederationConfigError(f"{where}: expected an object", note("federation.not_an_object", where=where))
        delegates_raw = item.get("delegates", [])
        if not isinstance(delegates_raw, list):
            raise FederationConfigError(f"{where}.delegates: expected a list",
                                        note("federation.not_a_list", where=f"{where}.delegates"))
        schools.append(School(
            school_id=_text(item, "id", where),
            name_en=_text(item, "name_en", where),
            name_cy=_text(item, "name_cy", where),
            headteacher=_contact(item.get("headteacher"), f"{where}.headteacher"),
            delegates=tuple(_contact(d, f"{where}.delegates[{i}]") for i, d in enumerate(delegates_raw)),
        ))
    ids = [school.school_id for school in schools]
    if len(set(ids)) != len(ids):
        raise FederationConfigError("schools: school ids must be unique", note("federation.ids_unique"))
    chair = raw.get("chair_of_governors")
    return Federation(
        tenant_ids=tuple(entra_id(tenant) for tenant in tenants),
        name_en=_text(raw, "name_en", "federation"),
        name_cy=_text(raw, "name_cy", "federation"),
        schools=tuple(schools),
        policy_owner=_contact(raw.get("policy_owner"), "policy_owner"),
        chair_of_governors=_contact(chair, "chair_of_governors") if chair is not None else None,
        school_holidays=_school_holidays(raw.get("school_holidays"), schools),
    )


def load_federation(path: Path) -> Federation:
    """Read the federation settings file (UTF-8, with or without the byte-order mark Windows Notepad writes); the
    error's message does not name the file: whoever named it says which."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise FederationConfigError(f"cannot read it ({error.strerror or error})",
                                    note("federation.cannot_read", reason=os_fault(error, reading=True))) from None
    except UnicodeDecodeError as error:
        raise FederationConfigError(f"not UTF-8 text (byte {error.start + 1}): save it as UTF-8",
                                    note("federation.not_utf8", byte=error.start + 1)) from None
    except json.JSONDecodeError as error:
        raise FederationConfigError(f"not JSON ({error.msg} at line {error.lineno})",
                                    note("federation.not_json", message=error.msg, line=error.lineno)) from None
    return parse_federation(raw)
