"""Figures for the governors: a headteacher (her schools) or the policy owner (every school) sees this term's
permission decisions, read and confirm of the version in force, and concern reports as counts only, in Teams."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from bot.domain.concerns import ConcernReports
from bot.domain.directory import StaffDirectory
from bot.domain.errors import RecordNotFound
from bot.domain.federation import Federation, School
from bot.domain.figures import ReadFigures, read_figures, report_figures, request_figures, term_of
from bot.domain.outbox import Notifier
from bot.domain.people import Person
from bot.domain.permission_requests import PermissionRequests
from bot.domain.policy_reads import PolicyReads
from bot.domain.policy_versions import PolicyVersions, version_number
from bot.domain.profiles import UserProfiles
from bot.domain.uk_time import uk_today
from cards.common import VERB_FIGURES, error_card
from cards.figures import figures_card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn, Verb, normalise, opens
from dialogs.home import after_greetings
from dialogs.language import ShownIn, in_the_cards_language, in_the_listed_language
from dialogs.phrases import listed_in_welsh, read_phrases, said_only
from dialogs.private import PrivateChat

FIGURES_WORDS = frozenset(read_phrases("figures.txt"))
_IN_WELSH = listed_in_welsh("figures.txt")


class FiguresFlow:
    """The figures card, typed ("figures", "ffigurau") or from the Figures button of the welcome and help cards."""

    def __init__(self, *, strings: Catalogue, federation: Federation, requests: PermissionRequests,
                 versions: PolicyVersions, reads: PolicyReads, directory: StaffDirectory, reports: ConcernReports,
                 notifier: Notifier, profiles: UserProfiles,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._federation = federation
        self._requests = requests
        self._versions = versions
        self._reads = reads
        self._directory = directory
        self._reports = reports
        self._clock = clock
        self._private = PrivateChat(strings=strings, notifier=notifier, profiles=profiles, clock=clock)

    def verbs(self) -> Mapping[str, Verb]:
        """The Figures button, answered in the 1:1 chat only."""
        return {VERB_FIGURES: Verb(self._private.only(opens(in_the_cards_language(self.figures))), ShownIn)}

    def match_text(self, turn: Turn) -> Handler | None:
        """ "figures", "ffigurau'r tymor" as the whole message (after a greeting, courtesy words off)."""
        said = normalise(turn.text)
        if asked := said_only(said, FIGURES_WORDS) or said_only(after_greetings(said), FIGURES_WORDS):
            return in_the_listed_language(self._private.only(self.figures), listed_in_welsh=asked in _IN_WELSH)
        return None

    def _schools_seen_by(self, person: Person) -> tuple[School, ...]:
        """Every school for the policy owner, a headteacher's own, none for anyone else (a named delegate stands in on
        permission requests only)."""
        if person.aad_object_id == self._federation.policy_owner.aad_object_id:
            return self._federation.schools
        return self._federation.schools_headed_by(person)

    async def figures(self, turn: Turn) -> Reply:
        """The card of figures for the schools this person sees, this term so far."""
        schools = self._schools_seen_by(turn.actor)
        if not schools:
            return Reply(card=error_card(self._strings, turn.lang, "figures.only_heads"), refused=True)
        term = term_of(uk_today(self._clock()))
        at = {school.school_id for school in schools}
        tenant = turn.actor.tenant_id
        requests, reports, (reads, installed_again) = await asyncio.gather(
            self._requests.list_all(), self._reports.list_all(), self._read_figures(at))
        return Reply(card=figures_card(
            self._strings, turn.lang, term=term, schools=[school.name(turn.lang) for school in schools],
            requests=request_figures(requests, schools=at, tenant_id=tenant, since=term.starts), reads=reads,
            installed_again=installed_again,
            reports=report_figures(reports, tenant_id=tenant, since=term.starts,
                                   federation=self._federation)))

    async def _read_figures(self, schools: set[str]) -> tuple[ReadFigures | None, tuple[str, str] | None]:
        """Read and confirm of the version in force; None when it was never sent round to read, with, when it is the
        version installed in force again, it and the last version sent round (withdrawn): "none was ever sent round"
        would be untrue then."""
        pointer = await self._versions.get_pointer()
        if pointer is None:
            return None, None
        try:
            record = await self._versions.get(pointer.version)
        except RecordNotFound:
            return None, None
        if not record.campaign:
            sent = [stored.version for stored in await self._versions.list_versions() if stored.campaign]
            latest = max(sent, key=version_number, default="")
            return None, (record.version, latest) if latest else None
        staff, asked, confirmed = await asyncio.gather(self._directory.list_members(),
                                                       self._reads.list_asked(record.version),
                                                       self._reads.list_confirmed(record.version))
        return read_figures(record.version, staff=staff, schools=schools, asked=asked, confirmed=confirmed), None
