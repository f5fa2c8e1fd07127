"""Reporting, privately, being pestered or targeted; the holder's side; the reporter's own list.

Verbs and their card data (data fields are a public contract: posted cards keep sending them):
- `concern.form` {kind?, what?}: the form (`kind` "outside": the form for someone who is not a colleague; `what`: the
  words the person typed that led to it, to start the form with).
- `concern.submit` {form?, kind?, ref?, goes_to?} + inputs what, since, where, who, evidence, meeting, urgent,
  about?, involves_manager?: files a report. `ref` is what forms posted before form tokens existed send; like `form`, it
  only makes a second press of the same Send the same report. The server gives every report its reference. `about`
  is a colleague's object id (their address for a staff-list row without one, and on forms posted before ids) or one
  of `About`. `goes_to` is whom the form said it goes to (object ids, in order): when a form opened now would say
  others, nothing is sent and the form comes back saying so.
- `concern.acknowledge`, `concern.escalate` (+ note, to?: whom to, once asked because the note may name the next person
  up), `concern.close` (+ outcome, share_outcome),
  `concern.reopen` (+ note, the reporter's "this isn't resolved"), `concern.add` (+ note, what the reporter adds to her
  open report), `concern.show`: {ref}.
- `concern.mine` {after?, start?, lang?}: the reporter's list; Show more sends `after`, the reference of the last report
  its card showed (the list goes on after it), `start`, its place then, and `lang`, the card's language.
- `concern.held` {after?, start?, lang?, waiting?}: the list of the reports the person holds; Show more sends the same,
  and `waiting` ("true" or "false"), whether the last report shown was still waiting to be acknowledged then.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.concerns import (
    LIMITS,
    About,
    ConcernReport,
    ConcernReports,
    NobodyToSendTo,
    NoteKind,
    NoteNamesNext,
    Pace,
    ReportKind,
    ReportState,
    Role,
    Routing,
    Subject,
    Today,
    cleared_key,
    describes,
    everyday_words,
    holding_order,
    listing_order,
    may_name,
    mentions,
    new_reference,
    other_names,
    roles,
    route,
)
from bot.domain.directory import LineManagers, StaffDirectory, StaffMember, line_manager_in, member_for
from bot.domain.errors import (
    ConcurrentChange,
    DomainError,
    NotAllowed,
    RecordNotFound,
    StorageUnavailable,
)
from bot.domain.federation import Federation
from bot.domain.ids import new_form_token
from bot.domain.limits import Limit, RateLimited, RateLimiter, give_back_unused
from bot.domain.outbox import Notifier, OutboundMessage, in_school_hours
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.profiles import UserProfiles, chosen_reading, preferred_reading
from bot.domain.school_calendar import SchoolCalendar
from bot.domain.text import fold
from bot.policy.model import Policy
from bot.policy.places import PolicyPlace
from bot.policy.typos import edit_distance
from cards import concerns as cards
from cards.answer import on_day, when_read
from cards.common import VERB_CONCERN_FORM, error_card
from cards.elements import Card
from cards.i18n import Catalogue
from dialogs.base import (
    CardData,
    Handler,
    Reply,
    Scope,
    Text,
    Turn,
    Verb,
    created_once,
    normalise,
    opens,
    owned,
    stored_after_all,
)
from dialogs.language import in_the_cards_language, in_the_listed_language, in_the_words_typed
from dialogs.lists import ListClick, goes_on_at, stored_if_any
from dialogs.phrases import (
    PLACEHOLDER,
    listed_in_welsh,
    opening,
    read_patterns,
    read_phrases,
    said_only,
    without_courtesy,
)
from dialogs.private import PrivateChat
from dialogs.staff_only import StaffList, named_from_the_staff_list, not_staff, read_once, refused_as

log = logging.getLogger(__name__)

# What a holder does that answers their reminder: one still waiting to be sent is taken back (not when the reminder
# task passes it up: that is left as it was).
_REMINDER_SETTLED = frozenset({"acknowledged", "escalated", "closed"})


def _reaches_at(working_days: SchoolCalendar, passed_up_at: datetime | None) -> datetime | None:
    """When a report passed up at `passed_up_at` reaches the next person: its messages wait one night at most, for the
    next start of school hours (as `check_reports` queues them)."""
    return working_days.in_school_hours(passed_up_at, any_day=True) if passed_up_at is not None else None


def _reminder_key(report: ConcernReport) -> str:
    """The card key of the reminder to the report's holder at its level."""
    reminder = "reminder" if report.level == 0 else f"reminder-{report.level}"
    return f"{report.reference}|{report.holder.aad_object_id}|{reminder}"
_REFERENCE = re.compile(r"C-[A-Z0-9]{6}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,40}")
# A report's reference typed on its own, as its cards ask people to quote it, or after a word asking to see it ("show",
# "dangos"): the report, as its Show button gives it. The words are English then Welsh.
_TYPED_REFERENCE = re.compile(r"\W*(?:(show|open|see|view|report|dangos|agor|gweld|adroddiad)\s+)?(c-[a-z0-9]{6})[\W]*",
                              re.IGNORECASE)
_WELSH_SHOW_WORDS = frozenset({"dangos", "agor", "gweld", "adroddiad"})
# The ids of the messages that bring a report to each holder (the first two are the ids they have always had).
_HOLDER_MESSAGE = {0: "to-holder", 1: "escalated"}
# The most questions one Send asks in turn ("Gareth and Siân": her line manager, then the headteacher; "Garth and Miss",
# each of two words that may mean her line manager).
_MOST_ASKED = 6

# How long after retention deletes a report its cards in Teams are still being replaced (the outbox tries again while
# Teams refuses or the person cannot be reached): then the message is given up, and where the card was is forgotten.
CARDS_REPLACED_WITHIN = timedelta(days=30)
# A holder's press that meets another change to the report (his other device, the reminder task) is made again on the
# report as it then is, this many times in all, before it is shown as it is.
CONFLICT_TRIES = 3
# One form's Send at a time for the same words from one person (laptop and phone pressed at once): a use of a day,
# keyed by a short hash of the words, which the limits' retention deletes once the day is over.
_SAME_WORDS = Limit("report-words", 1)
FORM_WORDS = frozenset(read_phrases("concern-form.txt"))
MINE_WORDS = frozenset(read_phrases("concern-my-reports.txt"))
HELD_WORDS = frozenset(read_phrases("concern-held-reports.txt"))
# "Acknowledge the report", "cydnabod yr adroddiad", typed: nothing is acknowledged (see the list's notes).
ACKNOWLEDGING_WORDS = frozenset(read_phrases("concern-acknowledging.txt"))
# "Withdraw my report", "tynnu fy adroddiad yn ôl", typed by the reporter: nothing is withdrawn (see the list's notes).
WITHDRAWING_WORDS = frozenset(read_phrases("concern-withdrawing.txt"))
_TYPED_REFERENCE_AS_SAID = re.compile(r"\bc [a-z0-9]{6}\b")  # "C-4QX9TB", as normalised
# "Ble mae fy adroddiad?", "where is my report?": what one asks of one's reports, typed before the words naming them.
_ASKED_OF_MINE = read_phrases("concern-my-reports-asked.txt")
# "Ydy Gareth wedi gweld fy adroddiad?": the same, with whoever may have it named where the list's {} stands (one to
# three words); each as the words before and after the name, and whether it is listed in Welsh.
# "Ydy fy adroddiad wedi cyrraedd?", "has my report been seen?": the words naming one's reports where the list's {}
# stands, with what is asked of them around them; each as the words before and after, and whether it is Welsh.
_ASKED_WHETHER_IN_WELSH = listed_in_welsh("concern-my-reports-asked-whether.txt")  # as compared: without the {}
# A second {} ("ydy {} wedi mynd at {}", "has {} gone to {}") stands for whoever it went to: one to three words.
_ASKED_WHETHER = tuple(
    (tuple(parts[0].split()), tuple(parts[1].split()), len(parts) > 2,
     " ".join(pattern.replace(PLACEHOLDER, " ").split()) in _ASKED_WHETHER_IN_WELSH)
    for pattern, parts in ((pattern, pattern.split(PLACEHOLDER))
                           for pattern in read_patterns("concern-my-reports-asked-whether.txt", most=2)))
_OF_SOMEONE_IN_WELSH = listed_in_welsh("concern-my-reports-asked-of-someone.txt")  # as compared: without the {}
_ASKED_OF_SOMEONE = tuple(
    (tuple(before.split()), tuple(after.split()),
     " ".join(f"{before} {after}".split()) in _OF_SOMEONE_IN_WELSH)
    for before, after in (pattern.split(PLACEHOLDER)
                          for pattern in read_patterns("concern-my-reports-asked-of-someone.txt")))
# "Who is my line manager?": the asker's own, never anyone else's.
MY_MANAGER_WORDS = frozenset(read_phrases("concern-my-line-manager.txt"))
_IN_WELSH = listed_in_welsh("concern-form.txt", "concern-my-reports.txt", "concern-held-reports.txt",
                            "concern-my-line-manager.txt", "concern-my-reports-asked.txt",
                            "concern-acknowledging.txt", "concern-withdrawing.txt")
# Getting in touch or posting, in Welsh, as the verb-noun and its soft mutation (after "i"), which people write
# either way: "yn dal i anfon", "yn dal i bostio / postio", "yn dal i yrru / gyrru", "danfon" and "hala" in the south.
_CONTACTING_CY = (r"anfon|danfon|ddanfon|hala|gyrru|yrru|e ?bostio|postio|bostio|tecstio|decstio|ffonio|galw|alw|"
                  r"cysylltu|gysylltu|tagio|dagio|negesu|negeseuo|mesejio|fesejio|rhannu|rannu|gwneud sylwadau|"
                  r"wneud sylwadau|rhoi sylwadau|roi sylwadau|gadael sylwadau|adael sylwadau|sylwadu")
# ... at or about the person: "ata i", "ataf", "i mi", "amdana i", "ohona i", "â fi / efo fi / gyda fi", "fi", or "fy"
# before the verb ("fy ffonio", "fy nhecstio", "fy nhagio", "fy ngalw"); or talking about them ("sôn amdana i").
# Without it "yn dal i" is "still", and "Mae cydweithiwr yn dal i bostio lluniau o'r trip" or "Mae'r dirprwy'n anfon
# negeseuon at rieni drwy'r amser" is about the policy, not about being pestered.
_ME_CY = r"fi|i mi|a mi|gyda mi|ata i|ataf|amdana i|amdanaf|ohona i|ohonof|arna i|arnaf"
_AT_ME_CY = (rf"({_CONTACTING_CY})( \w+){{0,6}} ({_ME_CY})|(son|siarad|sylwadu) (amdana i|amdana fi|amdanaf)|"
             r"fy (ffonio|nhecstio|nhagio|ngalw|e ?bostio|mesejio|negesu)")
# "Keeps ...ing" in Welsh: "yn dal (ati) i ...", "yn parhau i ...", "(ddim / byth) yn stopio ...", or "yn ... o hyd /
# byth a beunydd / byth a hefyd / drwy'r amser / yn gyson / yn ddi-baid".
_KEEPS_CY = (rf"((dal|parhau) (ati )?i|(ddim|byth) (yn )?stopio) ({_AT_ME_CY})|"
             rf"(yn|n) ({_AT_ME_CY})( \w+){{0,8}} (o hyd|byth a beunydd|byth a hefyd|drwy r amser|trwy r amser|"
             r"yn gyson|yn ddi baid)")
# As someone frightened or angry says it, on a phone: "won't stop texting me", "won't leave me alone", "shouted at me",
# "ganging up on me", "spreading rumours", "scared of", "making my life a misery", messages "every night".
_FRIGHTENED = (r"(won t|wont|will not|doesn t|doesnt|does not|don t|dont|never) (stop \w+ing|leave me alone)|"
               r"(shout|shouts|shouted|shouting|scream\w*|yell\w*|swear\w*|swore) at me|gang\w* up on|"
               r"spread\w* (rumou?rs|lies|gossip|stories)|(scared|frightened|afraid|terrified) of|"
               r"(mak\w*|made) my life (hell|a (living )?hell|a misery|miserable|unbearable)|"
               r"me( \w+){0,4} (late at night|every night|in the middle of the night|at midnight|at all hours)")
# The same in Welsh: "gweiddi arna i", "ofn", "yn gas efo fi", "fy nhrin i'n wael", "lledu sïon", "gadael llonydd",
# "fy mywyd yn uffern", messages "ganol nos".
_FRIGHTENED_CY = (r"gweiddi (arna i|arnaf|arna fi|ata i)|(dw i|dwi|rwy n|rydw i n|mae gen i|ma gen i|mae gyda fi|"
                  r"ma da fi) (ofn|ofni)|ofn arna|"
                  # "Mae arna i ofn Gareth", "mae ofn Gareth arna i"; not "mae arna i ofn nad…" (I'm afraid that…)
                  r"arna(f| i| fi) ofn(?! (nad|na|nid|y|yr|bod|fod|mai|taw)\b)|ofn( \w+){1,3} arna(f| i| fi)|"
                  r"codi ofn|(yn|n) gas (efo|gyda|hefo|wrth|i)|gas wrtha|"
                  r"(fy )?nhrin (i )?(yn|n) (wael|ofnadwy)|trin fi (yn|n) (wael|ofnadwy)|lledu (sion|sibrydion|"
                  r"straeon|celwydd\w*)|gadael llonydd|gadael fi fod|fy mywyd (i )?(yn|n) (uffern|hunllef|ddiflas)|"
                  rf"({_AT_ME_CY})( \w+){{0,4}} (ganol nos|yn hwyr y nos|hwyr y nos|bob nos)")
# Wanting to report or complain about someone ("I want to complain about Siân", "i need to report gareth", "how do I
# make a complaint about the head?", "Dw i isio cwyno am y pennaeth", "Sut dw i'n adrodd am fy rheolwr llinell?"): a
# report of her own when it names a colleague; not "report to", "report sick" or "report it", nor whether she may ("can
# I complain about my HoD on Twitter", "Ga i gwyno am gydweithiwr ar Facebook?": a question about posting).
_WANTS_TO_REPORT = (r"(want|wanna|need|needs|wish|like|going|have|got|how do i|i ll|i will|i d)( to)? (report|"
                    r"complain about|"
                    r"make a (formal )?complaint about|raise a (concern|complaint|grievance) about|put in a "
                    r"(complaint|grievance) about|file a (complaint|grievance) (about|against)|bring a grievance "
                    r"against)(?! (to|sick|back|in|it|this|that)\b)")
_WANTS_TO_REPORT_CY = (r"(isio|isie|eisiau|moyn|angen|hoffwn( i)?|sut mae|sut (dw i|dwi|ydw i|rydw i|rwy|wyf i) n) "
                       r"(adrodd am|cwyno am|"
                       r"cwyno ynghylch|gwyno am|gwyno ynghylch|"
                       r"riportio|gwneud cwyn am|wneud cwyn am|neud cwyn am|gwneud cwyn yn erbyn|wneud cwyn yn erbyn|"
                       r"codi pryder am|godi pryder am|codi cwyn am|godi cwyn am)")
# Being pestered or targeted (the harm), by whom (a colleague, or someone who is not one). Statements only:
# questions ("what should I do if...?") get the policy's own words.
_HARM = (r"pester\w*|target\w*|har+as+\w*|bul+(y|ied|ying|ies|ing|in|yin|eying)|abus\w*|attack\w*|threat\w*|"
         r"intimidat\w*|troll\w*|stalk\w*|insult\w*|picking on|nasty|horrible|keeps? (messag\w*|sending|posting|"
         r"comment\w*|tagging|contacting|calling|texting|dm\w*)|mhoeni|poeni fi|targedu|nhargedu|bwlio|mwlio|"
         r"aflonyddu|sarhau|bygwth|mygwth|ymosod\w*|cas|pigo arna\w*|hwyl am fy mhen|bychanu|mychanu|"
         rf"(c|g|ch|ngh)am ?drin|gwawdio|ngwawdio|{_KEEPS_CY}|{_FRIGHTENED}|{_FRIGHTENED_CY}")
# The English words Welsh speakers use for it, spelt and mutated as Welsh ("yn fy nhrolio", "yn fy stelcian").
_HARM_BORROWED_CY = r"(t|d|nh|th)rol(io|ian)|stelc(io|ian|ia)|insylt(io|ian|ia)"
_COLLEAGUE = (r"colleagues?|co ?workers?|members? of staff|staff members?|another teacher|other teachers?|"
              r"teaching assistant|my (line )?manager|head of \w+|deputy|(cyd|gyd|nghyd|chyd)weith(iw|w)\w*|"
              r"athro arall|athrawes arall|aelod o (r )?staff|aelodau o (r )?staff|rheolwr llinell|"
              r"rheolwraig llinell|dirprwy|athrawon eraill|staff eraill|aelod arall o (r )?staff|"
              r"(c|g|ch|ngh)ymhorthydd\w*|(c|g|ch|ngh)ynorthwy ?ydd\w*|(p|b|mh|ph)ennaeth (adran|blwyddyn)|"
              r"(someone|somebody|one|some) (from|on|of) (the |our )?staff|(rhywun|un|rhai) o r staff")
_NOT_COLLEAGUE = (r"parents?|mum|dad|carers?|guardians?|pupils?|students?|learners?|child|children|kids?|"
                  r"ex pupils?|former pupils?|someone online|strangers?|troll\w*|member of the public|"
                  r"anonymous|fake account|rhiant|rhieni|disgybl\w*|myfyriw\w*|plentyn|plant|dieithr\w*|"
                  r"rhywun ar ?lein|aelod o r cyhoedd")
# Someone spoken of without a name ("about him", "what she said", "about them", "amdani hi", "ei negeseuon e"), or as
# the one she reported ("the person I reported", "y person adroddais i"): in "my concern is about …" a person a report
# may be about, unless the message says it is a parent, a pupil or the like.
_SOMEONE_UNNAMED = (r"he|him|his|himself|she|her|hers|herself|they|them|their|theirs|themselves|hi|fe|fo|e|nhw|"
                    r"amdano|amdani|amdanyn|ganddo|ganddi|ganddyn|iddo|iddi|iddyn|arno|arni|arnyn|ohono|ohoni|ohonyn|"
                    r"i (?:ve |have |had )?reported|(?:wnes i |nes i |wnaes i )?(?:adroddais|adrodd am|riportiais)")
# Her own act of reporting someone ("I reported Ffion last week…", "will Ffion find out I reported her?", "Adroddais i
# Ffion…", "…mai fi wnaeth adrodd amdani"): with someone named, or spoken of as a person, her report.
_I_REPORTED = (r"i (?:ve |have |had )?reported|adroddais|(?:wnes|nes|wnaes|naes) i (?:adrodd|riportio)|riportiais|"
               r"fi (?:wnaeth|naeth|wnath|nath) (?:adrodd|riportio)")
_A_PERSON = r"he|him|she|her|they|them|hi|fe|fo|nhw|amdano|amdani|amdanyn"
# Asking after "it" as one asks after a report sent, not a worry: whether it was read, seen, received or reached
# anyone, who has it or can see it ("…, has anyone read it?", "has it been read yet", "who can see it?", "oes rhywun
# wedi'i ddarllen?", "ydy o wedi cyrraedd?", "pwy sy'n gallu ei weld?").
_ASKS_AFTER_IT = (r"(has|have|did|does|do) (anyone|anybody|someone|somebody|he|she|they|it|you)( \w+)? (read|seen|see|"
                  r"opened|open|received|got|get|acknowledged|look\w* at|reached|reach)( it| anyone| anybody)?|"
                  r"(has|have|was) it (been )?(read|seen|opened|received|acknowledged|sent|passed on|looked at|"
                  r"reached|arrived|gone)|who (can|could|will|would|has|s|is) ((see|read|seen|got|have) )?it|"
                  r"who is it with|where is it now|"
                  r"wedi i (ddarllen|weld|dderbyn|agor|gael|anfon)|wedi cyrraedd|(pwy|rhywun) (sy|sydd)( n| yn)?"
                  r"( gallu| medru)? (ei )?(weld|ddarllen|ag e|ag o|a fe)")
_BEING = r"\b(i am|i m|im|i ve been|i have been|being|dw i n cael fy|dwi n cael fy|wi n cael fy|rwy n cael fy|" \
         r"rydw i n cael fy)\s*(being )?" \
         r"(pestered|targeted|harassed|bullied|trolled|mhoeni|nhargedu|mwlio|mygwth|mychanu|sarhau)\b"


# "The report I sent", "the concern I raised", "y pryder (a) godais i", "yr adroddiad wnes i anfon": her own reports,
# named by what she did with them rather than by "my" (`as_mine` reads them as "my report", "fy mhryder").
_SHE_SENT = re.compile(r"\b(?:the|that|those) (report|concern)(s?) (?:that |which )?i (?:sent|raised|made|filed|"
                       r"submitted|wrote|put in)\b")
_SHE_SENT_CY = re.compile(r"\b(?:y|yr|r) (adroddiad|pryder)(au|on)? (?:a |wnes i |nes i |wnaes i |naes i )?"
                          r"(?:godais|gyflwynais|anfonais|yrrais|ysgrifennais|sgwennais|godi|gyflwyno|anfon|yrru|"
                          r"ysgrifennu|sgwennu)(?: i)?\b")

# Her report named by whom or what she reported ("the person I reported", "what I've reported", "y person wnes i adrodd
# amdano"): read as "my report", "fy adroddiad".
_SHE_REPORTED = re.compile(r"\b(?:(?:the|that|this) (?:person|colleague|one|man|woman|teacher|member of staff)"
                           r"(?: that| who| whom)?|what) i (?:ve |have |had )?reported\b")
_SHE_REPORTED_CY = re.compile(r"\b(?:y|yr|r) (?:person|cydweithiwr|gydweithiwr|athro|athrawes) (?:a |wnes i |nes i |"
                              r"wnaes i )?(?:adrodd|adroddais i|riportio|riportiais i) (?:amdano|amdani|amdanyn)"
                              r"(?: fe| fo| hi| nhw)?\b")


# The words that name her reports, as a thumb slips on a phone ("my reprots", "my complaitn", "fy adroddiadua"): a word
# one slip from one of these (a letter dropped, added or changed, or two side by side swapped), its first letter kept,
# and no word of its own ("resort", "compliant"), is read as it.
_REPORT_WORDS = ("report", "reports", "concern", "concerns", "complaint", "complaints", "adroddiad", "adroddiadau",
                 "mhryder", "mhryderon", "nghwyn")


def report_words_mended(said: str) -> str:
    """Normalised words with each word that is one of `_REPORT_WORDS` slipped written as that word."""
    return " ".join(_mended(word) for word in said.split(" ")) if said else said


# The verbs of wanting to report someone, as a thumb slips ("I want to complian about…", "Dw i isio cwnyo am…",
# "riporito"): read as `_mended` reads the words that name her reports (`wants_to_report`).
_WANTING_WORDS = ("complain", "report", "cwyno", "gwyno", "riportio", "adrodd")


def _mended(word: str, words: Sequence[str] = _REPORT_WORDS) -> str:
    if len(word) < 5 or word in words:
        return word
    for right in words:
        if word[:1] == right[:1] and abs(len(word) - len(right)) <= 1 and edit_distance(word, right) == 1:
            return word if word in everyday_words() else right
    return word


def as_mine(said: str) -> str:
    """Normalised words with her own reports named by what she did with them ("the concern i raised", "r pryder godais
    i") written as "my" names them ("my concern", "fy mhryder"), so the lists of concern-my-reports.txt read them."""
    said = _SHE_REPORTED_CY.sub("fy adroddiad", _SHE_REPORTED.sub("my report", said))
    said = _SHE_SENT.sub(lambda m: f"my {m.group(1)}{m.group(2)}", said)
    return _SHE_SENT_CY.sub(lambda m: f"fy {'adroddiad' if m.group(1) == 'adroddiad' else 'mhryder'}{m.group(2) or ''}",
                            said)


def asks_after_my_reports(said: str) -> bool | None:
    """Whether normalised words ask where the person's own reports are, or what became of them ("ble mae fy adroddiad",
    "be ddigwyddodd i m adroddiad", "ble ma n adroddiad i", "any news on my report", "what happened to the concern i
    raised"): True when the words are Welsh (the asking or the naming listed under Cymraeg only), False when not, None
    when they ask no such thing."""
    said = as_mine(said)
    for core in without_courtesy(said):
        for in_welsh, named in _asked_then_named(core):
            # "'m" and the spoken "'n", "fy" after a vowel ("i'm adroddiad", "i'm hadroddiad" with the h it takes
            # before one; "ble ma'n adroddiad i").
            if named.startswith(("m ", "n ")):
                noun = named[2:]
                named = f"fy {noun[1:]}" if noun.startswith("h") and f"fy {noun[1:]}" in MINE_WORDS else f"fy {noun}"
            if named in MINE_WORDS:
                return in_welsh or named in _IN_WELSH
    return None


def _asked_then_named(core: str) -> list[tuple[bool, str]]:
    """Each way the message asks after one's reports around the words naming them: whether that way is Welsh, and the
    words it leaves (those naming the reports, when it does ask after them)."""
    found = []
    if (asked := opening(core, _ASKED_OF_MINE)) is not None:
        found.append((asked in _IN_WELSH, core[len(asked):].strip()))
    words = core.split()
    for before, after, to_someone, in_welsh in _ASKED_WHETHER:
        for name in (range(1, 4) if to_someone else (0,)):  # the words of whoever it went to, at the end
            said = words[:len(words) - name]
            if (len(said) > len(before) + len(after) and tuple(said[:len(before)]) == before
                    and tuple(said[len(said) - len(after):]) == after):
                found.append((in_welsh, " ".join(said[len(before):len(said) - len(after)])))
    for before, after, in_welsh in _ASKED_OF_SOMEONE:
        if tuple(words[:len(before)]) != before:
            continue
        for name_ends in range(len(before) + 1, len(before) + 4):  # a name of one to three words
            if tuple(words[name_ends:name_ends + len(after)]) == after:
                found.append((in_welsh, " ".join(words[name_ends + len(after):])))
    return found


# What, straight after "my concern", "my report", "fy mhryder (i)", makes them the opening of a sentence about something
# else ("My concern is whether I can…", "my concern was that a parent…", "Fy mhryder i yw bod…"): a verb "to be", then
# what opens a clause. Any other words go on about her report ("My report was sent to Gareth…", "my concern is still
# open", "Fy adroddiad i oedd am y pennaeth…").
_OPENS_A_SENTENCE = re.compile(
    r"(?:(?:i|fi|here|though|really|mainly) )?(?:is|s|was|are|were|would be|will be|yw|ydy|ydi|oedd|ydyn|fydd|fyddai) "
    r"(?:that|whether|if|how|what|when|why|where|bod|fod|y|yr|na|nad|os|sut|beth|pam|pryd) ")

# Words straight after "my report(s)", "fy adroddiad(au)" that make them pupils' reports, written for parents ("my
# report comments", "my report cards", "fy adroddiadau diwedd blwyddyn"): a question about those is one about the rules.
_A_PUPILS_REPORT = re.compile(r"(?:comments?|cards?|writing|templates?|grades?|marks|targets?|deadlines?|season|"
                              r"evening|bank|ysgol|diwedd|disgyblion|disgybl|tymor|sylwadau) ")
# What, straight after "my concern", "fy mhryder (i)" (words with the everyday sense of a worry, which "report" lacks),
# says what the worry is about ("My concern is about a parent's post…", "my concerns are with…", "Fy mhryder i yw am…").
_A_WORRY_ABOUT = re.compile(
    r"(?:(?:i|fi|here|really|mainly) )?(?:is|s|was|are|were|yw|ydy|ydi|oedd|ydyn) (?:about|with|over|regarding|around|"
    r"am|ynglyn|ynghylch|gyda|efo|hefo) ")
_CONCERN_NOT_REPORT = ("concern", "pryder", "mhryder", "complaint", "nghwyn")
# Later in the same clause, whom reports are shared with or sent to that makes them pupils' reports: a concern report
# never goes to parents or pupils ("Can I share my reports with parents on Seesaw?", "anfon fy adroddiadau i'r rhieni").
_FOR_PARENTS = re.compile(
    r" (?:with|to|for|gyda|efo|hefo|a|ag|i|at)(?: the| our| my| their| all| y| yr| r)? (?:parents?|families|carers|"
    r"guardians|pupils?|learners|students|children|kids|rhieni|teuluoedd|gofalwyr|disgyblion|dysgwyr|plant) ")


# A question of what became of her report, from its first words: "Has my report been shared with the parents?", "has
# anyone shared my report…", "Was my report sent…", "Ydy fy adroddiad wedi cael ei rannu…", "Gafodd fy adroddiad ei
# anfon…": not whether pupils' reports may be shared ("Can I share my reports with parents…?").
_ASKED_WHAT_BECAME = re.compile(
    r"^ (?:(?:has|have|was|were|did|is|are)(?: \w+){0,3} my (?:report|reports|concern|concerns|complaint) .*\b(?:been|"
    r"gone|go|went|got|get|shared|sent|shown|passed|given|forwarded|leaked)\b|(?:has|have|did)(?: \w+){1,2} "
    r"(?:shared|sent|shown|passed|given|forwarded|leaked) my (?:report|reports|concern|concerns|complaint)\b|"
    r"(?:ydy|ydi|ydyw|oes|a yw|a ydy)(?: \w+){0,2} wedi(?: \w+){0,2} fy (?:adroddiad|adroddiadau|mhryder|nghwyn)\b|"
    r"(?:ydy|ydi|ydyw|a yw|a ydy) fy (?:adroddiad|adroddiadau|mhryder|nghwyn)(?: i)? wedi\b|"
    r"(?:gafodd|cafodd|aeth|ddaru)(?: \w+){0,2} fy (?:adroddiad|adroddiadau|mhryder|nghwyn)\b)")


def _names_my_report(typed: str) -> tuple[str, bool] | None:
    """The words of concern-my-reports.txt ("my report", "fy adroddiad") that the message speaks of anywhere, and
    whether each time they are more likely something else, or None: not where each time they open a sentence about
    something else ("My concern is whether…": a question about the rules), but wherever one of them does not ("My
    concern is that nobody has read my report"); nor pupils' reports ("my report comments"). A comma, a full stop and
    the like end what goes on from them ("… about my report, is that normal?"). More likely something else (True): a
    worry ("My concern is about a parent's post…") or reports shared with parents or pupils ("Can I share my reports
    with parents…"), which may still be her report when it names someone it may be about (`ConcernFlow.match_text`)."""
    marked = re.sub(r"[^\w\s|]", " ", re.sub(r"[,.;:!?()\[\]\u2013\u2014]+", " | ", fold(typed)))
    padded = f" {as_mine(report_words_mended(' '.join(marked.split())))} "
    likely_else = ""
    for words in sorted(MINE_WORDS, key=len, reverse=True):
        for found in re.finditer(rf"(?<= ){re.escape(words)} ", padded):
            pupils = ("report" in words or "adroddiad" in words) and _A_PUPILS_REPORT.match(padded, found.end())
            if _OPENS_A_SENTENCE.match(padded, found.end()) is not None or pupils:
                continue
            clause = padded[found.end() - 1:].split("|")[0]
            worry = any(w in words for w in _CONCERN_NOT_REPORT) and _A_WORRY_ABOUT.match(padded, found.end())
            if worry or (_FOR_PARENTS.search(clause) and not _ASKED_WHAT_BECAME.match(padded)):
                likely_else = likely_else or words
                continue
            return words, False
    return (likely_else, True) if likely_else else None


def _says_whom(said: object) -> bool:
    """True when a form says whom it goes to (`goes_to`); False for one posted before forms did."""
    return isinstance(said, str) and bool(said.strip())


def _says_others(said: object, now: Iterable[StaffContact]) -> bool:
    """True when a form said it goes to other people (`goes_to`, their object ids in order) than `now`; False for a
    form that did not say (posted before it did)."""
    if not isinstance(said, str) or not _says_whom(said):
        return False
    return said.lower().split() != [contact.aad_object_id.lower() for contact in now]


def _mentions(pattern: str, said: str) -> bool:
    return re.search(rf"\b({pattern})\b", said) is not None


def being_targeted(said: str) -> bool:
    """True when the (normalised) words say someone is pestering or targeting the person, whoever it is."""
    return _mentions(_HARM, said) or _mentions(_HARM_BORROWED_CY, said) or re.search(_BEING, said) is not None


def wants_to_report(said: str) -> bool:
    """True when the (normalised) words say the person wants to report or complain about someone, whoever it is ("I
    want to complain about…", "how do I report…", "Dw i isio cwyno am…"), its verb typed with a slip of the thumb too
    ("complian", "cwnyo"): a report of hers when it names a colleague."""
    said = " ".join(_mended(word, _WANTING_WORDS) for word in said.split(" ")) if said else said
    return _mentions(_WANTS_TO_REPORT, said) or _mentions(_WANTS_TO_REPORT_CY, said)


def speaks_of_a_report(typed: str) -> bool:
    """True when the words say she reported someone or speak of a report of hers ("I reported Siân last week…", "will
    Siân find out I reported her?", "My concern is about Siân, has anyone read it?", "Adroddais i Siân…"), whether or
    not she sent one here: a question so worded is read for whom it names as a report is (`AskFlow._about`)."""
    said = report_words_mended(normalise(typed))
    return _mentions(_I_REPORTED, said) or _names_my_report(typed) is not None or \
        asks_after_my_reports(said) is not None


def what_it_is_about(said: str) -> ReportKind | None:
    """A typed statement that someone is pestering or targeting the person: by a colleague, by someone who
    is not one, or None when it is not such a statement (e.g. a colleague asking for a like), or it does not say who
    (`ConcernFlow` still looks for a name in it)."""
    if not being_targeted(said):
        return None
    if _mentions(_NOT_COLLEAGUE, said) and not _mentions(_COLLEAGUE, said):
        return ReportKind.NOT_COLLEAGUE
    if _mentions(_COLLEAGUE, said) or re.search(_BEING, said):
        return ReportKind.COLLEAGUE
    return None


def names_someone(text: str, *, staff: Sequence[StaffMember], federation: Federation, person: Person,
                  manager: StaffContact | None = None) -> bool:
    """True when what `person` typed names someone else on the staff list (as a question naming a colleague is found:
    whole name, first name or surname), names someone the settings name (a headteacher, delegate, policy owner or the
    chair of governors) or their line manager (`manager`), read as a report is (initials, logins, nicknames, a
    surname's Welsh form, misspelt, under every name they go by), or calls someone by a post or their title on the
    staff list ("the head", "y pennaeth", "the SENCo")."""
    me = person.aad_object_id.lower()
    if any(mentions(text, StaffContact(m.aad_object_id, m.name, m.email)) for m in staff if m.aad_object_id != me):
        return True
    if any(may_name(text, contact, others=other_names(staff, contact)) for contact in federation.named()
           if contact.aad_object_id.lower() != me):
        return True
    if manager is not None and manager.aad_object_id.lower() != me and Subject(typed=(text,), staff=tuple(staff)) \
            .plainly_names(manager, manager=manager, federation=federation):
        return True
    return describes(text, posts=tuple(Role), titles=[m.role for m in staff if m.role and m.aad_object_id != me])


def _same_words(person: Person, kind: ReportKind, what: str) -> str:
    """A short hash of a report's words (their case and spacing aside, as `_sent_already` compares them), and who sends
    them: the key of the claim that one form at a time sends them. It ends with her key, as every daily count's does,
    so that what is kept about her (`subject-access`, `erase-person`) finds it."""
    said = " ".join(what.split()).casefold()
    return f"{hashlib.sha256(f'{kind.value}|{said}'.encode()).hexdigest()[:16]}|{person.key}"


def _choice(member: StaffMember) -> str:
    """What the form's list sends for a colleague: their Entra object id, which says nothing to whoever reads the card's
    data (their address did); their address only for a row without one."""
    return member.aad_object_id or member.email


def _picked(value: str, staff: Sequence[StaffMember]) -> StaffMember | None:
    """The colleague a form's list sent: by object id, or by address (forms posted before this release sent that)."""
    key = value.strip().lower()
    if not key:
        return None
    return next((m for m in staff if key in (m.aad_object_id, m.email)), None)


def offensive_comments_passage(policy: Policy) -> str:
    """The id of the policy's passage on offensive comments, or "" when the policy has none."""
    return next((p.id for p in policy.all_passages() if "offensive comment" in p.text.casefold()), "")


def offensive_comments_guidance(policy: Policy) -> PolicyPlace | None:
    """Where the policy's guidance on offensive comments is (its passage, in its section), or None when it has none."""
    passage = offensive_comments_passage(policy)
    return PolicyPlace.of(policy.section_of(passage), policy.passage(passage)) if passage else None


class FormClick(CardData):
    """`concern.form`: `kind` "outside" for the form about someone who is not a colleague; `what`, the words that
    opened it, to start the form with; `lang`, the language of the card it was on (optional), which the form is in."""

    kind: Text = ""
    what: Text = ""
    lang: Text = ""


def _holder_if_not(routes: Callable[[Subject], Routing], subject: Subject,
                   contact: StaffContact, words: str) -> StaffContact | None:
    """Whom the report goes to (as `routes` routes it) if she says her words do not mean `contact`, nor any she would
    be asked about next ("It isn't Mrs Siân Roberts: send it to Gareth Hughes"); None when that can't be told."""
    cleared = {cleared_key(contact, words)}
    try:
        for _ in range(_MOST_ASKED):
            routing = routes(replace(subject, cleared=subject.cleared | cleared))
            if (doubted := routing.in_doubt) is None:
                return routing.holder
            cleared.add(cleared_key(doubted[0], doubted[1].words))
    except NobodyToSendTo:
        return None
    return None


class ReportForm(FormClick):
    """`concern.submit`: the form's token (or the `ref` of forms posted before tokens), and its inputs."""

    form: Text = ""
    ref: Text = ""
    what: Text = ""
    since: Text = ""
    where: Text = ""
    who: Text = ""
    evidence: Text = ""
    meeting: Text = ""
    urgent: Text = ""
    about: Text = ""
    involves_manager: Text = ""
    doubt: Text = ""  # asked who words of hers may mean: "higher:<object id>" or "not:<object id>"
    # What she said before of anyone asked about earlier on this form ("not:<object id>:<key>", space-separated).
    answered: Text = ""
    # Whom the form said it goes to: the object ids of its chain, in order, space-separated ("" on forms posted before).
    goes_to: Text = ""


class ReportClick(CardData):
    """`concern.acknowledge`, `concern.show`: the report's reference."""

    ref: Text = ""


class NoteClick(ReportClick):
    """`concern.escalate`, `concern.reopen`, `concern.add`: the reference and a note for the people above."""

    note: Text = ""


class EscalateClick(NoteClick):
    """`concern.escalate`: the reference, the note, and (on the buttons that ask whom to, when the note may name the
    next person up) `to`, the object id of whom it goes to (optional)."""

    to: Text = ""


class CloseClick(ReportClick):
    """`concern.close`: the reference, the outcome, and "true" to share it with the reporter."""

    outcome: Text = ""
    share_outcome: Text = ""


class HeldClick(ListClick):
    """`concern.held`: a list's Show more, and `waiting`, "true" when the last report its card showed was still waiting
    to be acknowledged (optional)."""

    waiting: Text = ""


class ConcernFlow:
    """Private reports to the right person, acknowledgements, escalation, closing and the reporter's view."""

    def __init__(self, *, strings: Catalogue, federation: Federation, reports: ConcernReports,
                 directory: StaffDirectory, managers: Sequence[LineManagers], notifier: Notifier,
                 profiles: UserProfiles, limiter: RateLimiter, report_limit: int, escalation_limit: int,
                 guidance: Callable[[], PolicyPlace | None] = lambda: None, question: Handler | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), check_interval: float = 900.0) -> None:
        self._strings = strings
        # The question flow, for a statement of being targeted that names nobody (None: such a statement is left to
        # whichever flow comes next).
        self._question = question
        self._check_interval = check_interval  # seconds between `check_reports` passes
        self._federation = federation
        self._reports = reports
        self._directory = directory
        self._managers = managers
        self._notifier = notifier
        self._profiles = profiles
        self._limiter = limiter
        self._report_limit = Limit("reports", report_limit)
        self._escalation_limit = Limit("escalations", escalation_limit)
        # The policy's guidance on offensive comments in the version in force, when it has one: the button opens at
        # its passage (a long section would bury it).
        self._guidance = guidance
        self._clock = clock
        self._private_chat = PrivateChat(strings=strings, notifier=notifier, profiles=profiles, clock=clock)
        self._stuck: set[str] = set()  # reports already logged as held by someone who left, with nobody to take them

    @property
    def _check_minutes(self) -> int:
        """Minutes between `check_reports` passes, as people are told them."""
        return max(1, round(self._check_interval / 60))

    def verbs(self) -> Mapping[str, Verb]:
        """The verbs of the concern cards."""
        return {VERB_CONCERN_FORM: Verb(in_the_cards_language(opens(self.form)), FormClick),
                cards.VERB_SUBMIT: Verb(in_the_cards_language(self.submit), ReportForm),
                cards.VERB_ACKNOWLEDGE: Verb(self._own_chat_only(self.acknowledge), ReportClick),
                cards.VERB_ESCALATE: Verb(self._own_chat_only(self.escalate), EscalateClick),
                cards.VERB_CLOSE: Verb(self._own_chat_only(self.close), CloseClick),
                cards.VERB_REOPEN: Verb(self._own_chat_only(self.reopen), NoteClick),
                cards.VERB_ADD: Verb(self._own_chat_only(self.add), NoteClick),
                cards.VERB_SHOW: Verb(self._own_chat_only(self.show), ReportClick),
                cards.VERB_MINE: Verb(in_the_cards_language(self._private_chat.only(opens(self.mine))),
                                       ListClick),
                cards.VERB_HELD: Verb(in_the_cards_language(self._private_chat.only(opens(self.held))), HeldClick)}

    def _own_chat_only(self, handler: Handler) -> Handler:
        """A report's button as it is in the person's 1:1 chat. Pressed in a group chat or channel (a holder's or
        reporter's card forwarded or posted there), everyone is told the same: such buttons work only in their own chat
        with the bot. Nothing is read, so nothing says whether the report exists or is theirs, and nothing changes."""
        async def in_own_chat(turn: Turn) -> Reply:
            if turn.is_private:
                return await handler(turn)
            return Reply(card=error_card(self._strings, turn.lang, "concern.own_chat_only"), refused=True)

        return in_own_chat

    def match_text(self, turn: Turn) -> Handler | None:
        """"Report a concern", "my reports", or a statement that someone is pestering or targeting the person."""
        said = report_words_mended(normalise(turn.text))
        # Each command as the whole message, courtesy words taken off ("codi pryder plis", "my reports please").
        if command := said_only(said, FORM_WORDS):
            return in_the_listed_language(self.form, listed_in_welsh=command in _IN_WELSH)
        if command := said_only(said, MINE_WORDS):
            return in_the_listed_language(self._private_chat.only(self.mine), listed_in_welsh=command in _IN_WELSH)
        if (welsh := asks_after_my_reports(said)) is not None:
            return in_the_listed_language(self._private_chat.only(self.mine), listed_in_welsh=welsh)
        if command := said_only(said, WITHDRAWING_WORDS):
            return in_the_listed_language(self._private_chat.only(self.withdrawing),
                                          listed_in_welsh=command in _IN_WELSH)
        if command := said_only(said, HELD_WORDS):
            return in_the_listed_language(self._private_chat.only(self.held), listed_in_welsh=command in _IN_WELSH)
        if typed_ack := said_only(" ".join(_TYPED_REFERENCE_AS_SAID.sub(" ", said).split()), ACKNOWLEDGING_WORDS):
            return in_the_listed_language(self._private_chat.only(self.acknowledged_by_typing),
                                          listed_in_welsh=typed_ack in _IN_WELSH)
        if asked := said_only(said, MY_MANAGER_WORDS):
            return in_the_listed_language(self._private_chat.only(self.my_line_manager),
                                          listed_in_welsh=asked in _IN_WELSH)
        if typed := _TYPED_REFERENCE.fullmatch(turn.text):
            word, reference = typed.group(1), typed.group(2).upper()

            async def typed_reference(turn: Turn) -> Reply:
                # As the Show button of the report's card, in the 1:1 chat (where the answer goes from anywhere else).
                return await self.show(replace(turn, scope=Scope.PERSONAL, data={"ref": reference}))

            return in_the_listed_language(self._private_chat.only(typed_reference),
                                          listed_in_welsh=(word or "").lower() in _WELSH_SHOW_WORDS)
        if self._question is not None and (mine := _names_my_report(turn.text)) is not None and (
                turn.text.rstrip().endswith("?") or not being_targeted(said)):
            words, likely_else = mine
            mine_if_any = in_the_listed_language(self._mine_if_any, listed_in_welsh=words in _IN_WELSH)
            if not likely_else:
                return mine_if_any
            return self._mine_if_it_names_someone(mine_if_any, self._after_my_reports(turn, said) or self._question)
        if self._question is not None and _mentions(_I_REPORTED, said) and (
                turn.text.rstrip().endswith("?") or not being_targeted(said)):
            return self._mine_if_she_reported_someone(self._after_my_reports(turn, said) or self._question)
        return self._after_my_reports(turn, said)

    def _mine_if_she_reported_someone(self, otherwise: Handler) -> Handler:
        """A message saying she reported someone ("I reported Ffion last week…", "will Ffion find out I reported her?",
        "Adroddais i Ffion…"): from someone who has sent a report, her reports, never kept, when it names someone or
        speaks of a person or a colleague, and no parent, pupil or the like; else `otherwise` ("I reported the comment
        to Facebook…"). Asked of the policy, it was kept for the review of the headteacher, saying whom she reported."""
        async def decide(turn: Turn) -> Reply:
            said = normalise(turn.text)
            if not _mentions(_NOT_COLLEAGUE, said):
                staff = tuple(await self._directory.list_members())
                manager, _ = await self._line_manager(turn.actor, staff, Today(self._federation, staff, Subject()))
                if _mentions(_A_PERSON, said) or _mentions(_COLLEAGUE, said) or names_someone(
                        turn.text, staff=staff, federation=self._federation, person=turn.actor, manager=manager):
                    return await in_the_words_typed(self._mine_if_any)(turn)
            return await otherwise(turn)

        return decide

    def _after_my_reports(self, turn: Turn, said: str) -> Handler | None:
        """What `match_text` makes of a message that speaks of no report of hers: a statement of being pestered or
        targeted (the form), else None (a question)."""
        if turn.text.rstrip().endswith("?"):
            return None
        kind = what_it_is_about(said)
        if kind is ReportKind.NOT_COLLEAGUE:
            return self._outside_unless_it_names_someone
        if kind is ReportKind.COLLEAGUE:
            return in_the_words_typed(self.form)
        if self._question is not None and wants_to_report(said) and _mentions(_COLLEAGUE, said):
            return in_the_words_typed(self.form)  # "I want to report a colleague"
        if self._question is not None and (being_targeted(said) or wants_to_report(said)):
            return self._form_if_it_names_someone
        return None

    def _mine_if_it_names_someone(self, mine: Handler, otherwise: Handler) -> Handler:
        """A message whose "my concern", "my reports" is more likely something else ("My concern is about a parent's
        post…", "share my reports with parents"): `otherwise` (the policy's answer), unless it names someone, calls
        them by their post or says a colleague, as a report may be about them ("My concern is about the head…", "…about
        a colleague"), or speaks of someone unnamed that is not a parent, a pupil or the like ("…about him, has anyone
        read it?", "…about the person I reported", "…am beth ddywedodd hi"): then `mine`, as asked of the policy it
        would be kept for the review of the headteacher it may be about."""
        async def decide(turn: Turn) -> Reply:
            staff = tuple(await self._directory.list_members())
            manager, _ = await self._line_manager(turn.actor, staff, Today(self._federation, staff, Subject()))
            said = normalise(turn.text)
            unnamed = (_mentions(_SOMEONE_UNNAMED, re.sub(r"^\s*hi\b", "", said))  # "Hi, my concern…" greets
                       and not _mentions(_NOT_COLLEAGUE, said))
            # "My concern is about Benn, has anyone read it?": a report asked after, whoever Benn is.
            asked_after = _mentions(_ASKS_AFTER_IT, said) and not _mentions(_NOT_COLLEAGUE, said)
            if _mentions(_COLLEAGUE, said) or unnamed or asked_after or names_someone(
                    turn.text, staff=staff, federation=self._federation, person=turn.actor, manager=manager):
                return await mine(turn)
            return await otherwise(turn)

        return decide

    async def _outside_unless_it_names_someone(self, turn: Turn) -> Reply:
        """A statement of being pestered that speaks of parents or pupils and says no "colleague": the card for someone
        who isn't a colleague, unless it names a colleague or calls them by their post ("The head is bullying me in
        front of the pupils"): then the form, started with their words, as for a colleague (it offers "someone who
        isn't a colleague" too). Before, the card for someone who isn't a colleague offered "Tell the headteacher"
        first, for a report about the head."""
        staff = tuple(await self._directory.list_members())
        manager, _ = await self._line_manager(turn.actor, staff, Today(self._federation, staff, Subject()))
        if names_someone(turn.text, staff=staff, federation=self._federation, person=turn.actor, manager=manager):
            return await in_the_words_typed(self.form)(turn)
        return await in_the_words_typed(self.not_a_colleague)(turn)

    async def _form_if_it_names_someone(self, turn: Turn) -> Reply:
        """A statement of being pestered or targeted that says no "colleague": the form, started with their words, when
        it names someone or calls them by a post ("Siân keeps messaging me at night", "the head keeps…"); else a
        question, as before ("someone keeps sending me nasty messages"). Asked as a question, it was kept, and once
        marked not helpful was on the questions for review of the headteacher it named."""
        staff = tuple(await self._directory.list_members())
        # Her line manager is who a report of hers would go to first: he is read for as a report reads him.
        manager, _ = await self._line_manager(turn.actor, staff, Today(self._federation, staff, Subject()))
        if self._question is not None and not names_someone(turn.text, staff=staff, federation=self._federation,
                                                            person=turn.actor, manager=manager):
            return await self._question(turn)
        return await in_the_words_typed(self.form)(turn)

    async def _private(self, turn: Turn, card: Card, message_id: str) -> Reply:
        """The card in the person's private chat; in a group the bot says nothing of it there (not even that
        someone is about to report something), unless it has no chat of theirs to write to: then only what anyone
        asking there for something private is told, to open a chat with it."""
        if turn.is_private:
            return Reply(card=card)
        return await self._private_chat.send(turn, Reply(card=card), tell=False, message_id=message_id)

    async def _routing(self, person: Person, subject: Subject, staff_list: StaffList) -> Routing:
        """Who gets the report, in order, without anyone it is about (`NobodyToSendTo` when nobody is left)."""
        return (await self._router(person, subject, staff_list))(subject)

    async def _router(self, person: Person, subject: Subject, staff_list: StaffList) -> Callable[[Subject], Routing]:
        """`route` for what her report says, with her line manager and school found once (Graph asked once), for a
        Send that routes it again as she answers whom her words mean. A line manager the staff list says has left is
        passed over for the next source's: Graph may name him for weeks after, and the report would be in his chat
        before the reminder task passed it on."""
        staff = tuple(await staff_list())
        manager, _ = await self._line_manager(person, staff, Today(self._federation, staff, subject))
        member = member_for(staff, person)
        school = member.school if member else ""

        def routed(said: Subject) -> Routing:
            return route(person, said, manager, self._federation, school)

        return routed

    async def _line_manager(self, person: Person, staff: tuple[StaffMember, ...], today: Today
                            ) -> tuple[StaffContact | None, LineManagers | None]:
        """The person's line manager as a report would find them, and the source that named them. One the staff list
        says has left is passed over for the next source's: Graph may name him for weeks after. So is the person
        themself (an HR sync that fills the manager field with its own user): that source knows no manager."""
        me = person.aad_object_id.lower()
        for source in self._managers:
            # The staff list as a source answers from the list already read, not from storage again.
            found = line_manager_in(staff, person) if source is self._directory else \
                await source.line_manager_of(person)
            if found is not None and found.aad_object_id.lower() != me and today.still_there(found, Role.LINE_MANAGER):
                # One name for each person, whether Graph, the staff list or the settings name them.
                return replace(found, name=self._federation.display_name(found.aad_object_id, found.name)), source
        return None, None

    async def my_line_manager(self, turn: Turn) -> Reply:
        """ "Who is my line manager?": the asker's own, as a report of theirs would find them (identity from the
        activity, never from anything typed), where it comes from, and who a report goes to when that is someone
        else."""
        staff = tuple(await self._directory.list_members())
        subject = Subject(kind=ReportKind.COLLEAGUE)
        found, source = await self._line_manager(turn.actor, staff, Today(self._federation, staff, subject))
        member = member_for(staff, turn.actor)
        try:  # routed as a report would be, from the manager just found (Graph is asked once)
            holder: StaffContact | None = route(turn.actor, subject, found, self._federation,
                                                member.school if member else "").holder
        except NobodyToSendTo:
            holder = None
        # A list naming someone as their own manager knows none.
        manager = None if found is None or found.aad_object_id.lower() == turn.actor.aad_object_id.lower() else found
        goes_to = holder.name if holder is not None and (
            manager is None or holder.aad_object_id != manager.aad_object_id) else ""
        return Reply(card=cards.line_manager_card(self._strings, turn.lang, manager=manager.name if manager else "",
                                                  from_staff_list=source is self._directory, goes_to=goes_to))

    async def _view(self, person: Person, kind: ReportKind, token: str, staff_list: StaffList) -> cards.FormView:
        """What the form says for this person: who it goes to if it names nobody, and the staff to choose from."""
        routing = await self._routing(person, Subject(kind=kind), staff_list)
        staff: tuple[tuple[str, str], ...] = ()
        if kind is ReportKind.COLLEAGUE:
            members = await staff_list()
            mine = person.aad_object_id.lower()
            school = next((m.school for m in members if m.aad_object_id == mine), None)
            others = [m for m in members if m.aad_object_id != mine]
            # The whole federation when it fits on the card, else the person's own school, else no list.
            named = [(m, self._federation.display_name(m.aad_object_id, m.name)) for m in others]
            addresses = {_choice(m): m.email for m in others}
            staff = cards.staff_choices([(name, _choice(m)) for m, name in named], addresses=addresses) or \
                cards.staff_choices([(name, _choice(m)) for m, name in named if m.school == school],
                                    addresses=addresses)
        return cards.FormView(tuple(zip(routing.chain, roles(routing.chain, self._federation), strict=True)),
                              token, kind, staff)

    async def form(self, turn: Turn) -> Reply:
        """The form (for colleagues, or `kind` "outside" for someone who is not one), always in the private chat;
        opened by what the person wrote ("a colleague keeps messaging me at night"), it starts with their words."""
        kind = ReportKind.NOT_COLLEAGUE if turn.data.get("kind") == ReportKind.NOT_COLLEAGUE.value \
            else ReportKind.COLLEAGUE
        token = new_form_token()
        typed = turn.data.get("what") if turn.verb else (
            turn.text if said_only(normalise(turn.text), FORM_WORDS) is None else "")
        values = {"what": typed} if isinstance(typed, str) and typed.strip() else None
        staff_list = read_once(self._directory.list_members)
        if await not_staff(self._federation, turn.actor, staff_list):
            # Told now what Send would tell them, not after filling it in; and the form lists every member of staff.
            refused = error_card(self._strings, turn.lang, "concern.not_on_staff_list_form",
                                 federation=self._federation.name(turn.lang))
            return await self._private(turn, refused, f"concern-form|{token}")
        try:
            view = await self._view(turn.actor, kind, token, staff_list)
            form = cards.form_card(self._strings, turn.lang, view, values=values)
        except NobodyToSendTo as nobody:
            form = cards.nobody_card(self._strings, turn.lang, no_chair=nobody.no_chair)
        return await self._private(turn, form, f"concern-form|{token}")

    async def not_a_colleague(self, turn: Turn) -> Reply:
        """Someone who is not a colleague: not the colleagues route; the headteacher, or the guidance, instead."""
        offer = cards.not_colleague_card(self._strings, turn.lang, guidance=self._guidance(), what=turn.text)
        return await self._private(turn, offer, f"concern-outside|{secrets.token_urlsafe(12)}")

    @staticmethod
    def _goes_elsewhere_now(said: object, routes: Callable[[Subject], Routing], kind: ReportKind) -> bool:
        """True when the form said it goes to other people (`goes_to`, their object ids in order) than a form opened
        now would say; False for a form that did not say (posted before it did)."""
        try:
            now = routes(Subject(kind=kind)).chain
        except NobodyToSendTo:
            now = ()
        return _says_others(said, now)

    def _about(self, value: str, staff: Sequence[StaffMember]) -> StaffContact | None:
        """The colleague picked from the staff list (the form sends their object id; forms posted before, and rows
        without one, their email), or None."""
        member = _picked(value, staff)
        if member is None:
            return None
        return StaffContact(member.aad_object_id, self._federation.display_name(member.aad_object_id, member.name),
                            member.email)

    async def submit(self, turn: Turn) -> Reply:
        """Store the report, send it to the first person it is not about, and give the reporter a receipt. A guest from
        another organisation, or someone in the tenant who is not on the staff list (a pupil in Hwb), is told so, below
        the form as they left it; nothing is stored or sent."""
        texts = {key: (value.strip() if isinstance(value := turn.data.get(key), str) else "") for key in
                 ("what", "since", "where", "who", "evidence", "meeting", "urgent", "about", "involves_manager",
                  "doubt")}
        kind = ReportKind.NOT_COLLEAGUE if turn.data.get("kind") == ReportKind.NOT_COLLEAGUE.value \
            else ReportKind.COLLEAGUE
        given = next((v for v in (turn.data.get("form"), turn.data.get("ref"))
                      if isinstance(v, str) and _TOKEN.fullmatch(v)), "")
        token = given or new_form_token()
        staff_list = read_once(self._directory.list_members)  # one read, whatever this Send asks of the list
        if not turn.is_private:
            return await self._back_to_own_chat(turn, kind, token, texts, staff_list)
        if refused := await refused_as(turn, self._federation, staff_list):
            return Reply(card=error_card(self._strings, turn.lang, f"concern.{refused}",
                                         federation=self._federation.name(turn.lang)), new_message=True)
        turn = replace(turn, actor=await named_from_the_staff_list(turn.actor, staff_list))
        if kind is ReportKind.COLLEAGUE and texts["about"] == About.NOT_COLLEAGUE.value:
            # Not the colleagues route: the same words, on the headteacher's form, for them to check and send.
            view = await self._view(turn.actor, ReportKind.NOT_COLLEAGUE, token, staff_list)
            return Reply(card=cards.form_card(self._strings, turn.lang, view, values=texts, notice=self._strings.text(
                "concern.moved_to_outside", turn.lang)))
        # The staff list goes with what she said: where it has no object ids, it is what tells the people the report
        # could go to apart from the colleague she picked, and it gives each of them the name she is likely to write.
        staff = tuple(await staff_list())

        async def again(*, error: str = "", notice: str = "", asked: cards.DoubtAsked | None = None,
                        errors: Mapping[str, str] | None = None, answered: Sequence[str] = ()) -> Reply:
            """The form once more, with what they typed, and why it was not sent (or what she is asked first, and
            `answered`, what she said of anyone asked about before)."""
            view = await self._view(turn.actor, kind, token, staff_list)
            moved = self._strings.text("concern.goes_elsewhere_now", turn.lang)
            if notice != moved and _says_others(turn.data.get("goes_to"), (c for c, _ in view.chain)):
                # Whatever else sends it back (a box too long, whom her words may mean), the form said others: before,
                # it came back naming who now without a word, and the next Send went to them.
                notice = f"{notice}\n\n{moved}" if notice else moved
            return Reply(card=cards.form_card(self._strings, turn.lang, view, values=texts, error=error,
                                              notice=notice, asked=asked, errors=errors, answered=answered))

        if over := {key: self._strings.text("concern.too_long", turn.lang, length=len(texts[key]), limit=limit)
                    for key, limit in LIMITS.items() if key in texts and len(texts[key]) > limit}:
            # Before anything reads the words: a box far over its length (a client that ignores the form's own) took
            # seconds to read for names, only to be refused. Said at each box too long, in its label.
            return await again(errors=over)
        about = self._about(texts["about"], staff) if kind is ReportKind.COLLEAGUE else None
        if kind is ReportKind.COLLEAGUE and about is None and texts["about"] not in {"", *(a.value for a in About)}:
            # The colleague picked is not on the staff list as it is now (changed since the form was opened, or a card
            # that never listed them): who it is about is not known, so it is not sent, and the form asks again.
            texts["about"] = ""
            return await again(notice=self._strings.text("concern.picked_not_listed", turn.lang))
        if about is not None and (picked := _picked(texts["about"], staff)) is not None:
            # Shown again, the form lists them as this release does (an old card sent their address).
            texts["about"] = _choice(picked)
        subject = Subject(typed=tuple(texts[k] for k in ("what", "since", "where", "who", "evidence")), about=about,
                          involves_manager=texts["involves_manager"] == "true", kind=kind, staff=staff)
        try:
            routes = await self._router(turn.actor, subject, staff_list)
            routing = routes(subject)
        except NobodyToSendTo as nobody:
            return Reply(card=cards.nobody_card(self._strings, turn.lang, no_chair=nobody.no_chair))

        if not texts["what"]:
            return await again(errors={"what": self._strings.text("concern.required", turn.lang)})
        # The server names every report; the form's token only makes a second press of Send the same report.
        reference = await self._reports.claim_form(turn.actor, token, new_reference())
        report = await self._own(reference, turn.actor)
        same = await self._with_the_same_words(turn.actor, kind, texts["what"]) if report is None else []
        if (earlier := next((r for r in same if r.state is not ReportState.CLOSED), None)) is not None:
            # The same words on a new form (she wasn't sure the first had gone): the one she sent, not a second.
            return Reply(card=cards.reporter_card(self._strings, turn.lang, earlier, notice=self._strings.text(
                "concern.sent_already", turn.lang, ref=earlier.reference,
                when=on_day(self._strings, turn.lang, earlier.submitted_at)), zone=turn.time_zone))
        day_ago = self._clock() - timedelta(hours=24)
        if closed := next((r for r in same if r.state is ReportState.CLOSED and r.submitted_at >= day_ago), None):
            # The same words on a second form once the first report was closed that day (the form left open on her
            # phone): that report, with its "Not resolved", not the same words to the same line manager again.
            # Its "Not resolved" only while the card has one (not once used, nor with nobody after who closed it).
            told = "concern.sent_already_closed" if closed.can_reopen else "concern.sent_already_closed_final"
            return Reply(card=cards.reporter_card(self._strings, turn.lang, closed, notice=self._strings.text(
                told, turn.lang, ref=closed.reference,
                when=on_day(self._strings, turn.lang, closed.submitted_at)), zone=turn.time_zone))
        # What she said of anyone asked about before, on this form: "Gareth and Siân" asks about each in turn.
        earlier = turn.data.get("answered")
        answers = {texts["doubt"], *(earlier.split()[:_MOST_ASKED] if isinstance(earlier, str) else ())}
        answered: list[str] = []
        while report is None and (doubted := routing.in_doubt) is not None:
            # Words of hers may mean whoever it would go to first ("Sir", "Garth"): nothing is sent until she says
            # whether it may be them (then it goes past them) or is not (then to them), without having to say who.
            # Her "it is not them" answers the words she had written when asked: any she changed since are asked about.
            contact, naming = doubted
            # Her answer is about these words of hers ("Garth"), not others that may mean them too ("Miss").
            said = cards.said_key((*subject.typed, fold(naming.words)))
            if answers & {cards.doubt_value(cards.DOUBT_HIGHER, contact, key) for key in ("", said)}:
                break
            not_them = cards.doubt_value(cards.DOUBT_NOT_THEM, contact, said)
            if not_them not in answers or len(answered) >= _MOST_ASKED:
                head_doubt = naming.doubt if contact in (routing.head_first, routing.head) else None
                then = _holder_if_not(routes, subject, contact, naming.words)
                return await again(asked=cards.DoubtAsked(contact, naming.words, routing.why, routing.holder, said,
                                                          head_doubt, then), answered=answered)
            answered.append(not_them)
            subject = replace(subject, cleared=subject.cleared | {cleared_key(contact, naming.words)})
            routing = routes(subject)
        if report is None and self._goes_elsewhere_now(turn.data.get("goes_to"), routes, kind):
            # The form said whom it goes to (her line manager, by name), and she wrote trusting that ("She…", naming
            # nobody): the staff list or the settings have changed since, so nothing is sent until she has read who now.
            return await again(notice=self._strings.text("concern.goes_elsewhere_now", turn.lang), answered=answered)
        if report is None and not _says_whom(turn.data.get("goes_to")):
            # A form posted before forms said whom (no `goes_to`): what it said cannot be compared with who it goes to
            # now, and "She…" may be about whoever that is. Sent back once, saying who now (its form says, so its Send
            # goes where it says); before, it was sent as it always had been, to whoever that was by then.
            return await again(notice=self._strings.text("concern.goes_to_not_known", turn.lang), answered=answered)
        # Her answers settle who holds it first; it moves on as her words are read without them, so the chain kept (and
        # the receipt) is the one it can really take: before, it said Mrs Siân Roberts, whom the reminder passed over.
        chain, past_cleared = routing.beyond_her_answers(subject, self._federation)
        words = ""
        if report is None:
            now = self._clock()
            try:
                # The same words on two forms sent at once (she opened it on her laptop and her phone): each looked
                # for the other's report before either was stored. The first to claim the words sends them.
                await self._limiter.take(_SAME_WORDS, _same_words(turn.actor, kind, texts["what"]), now, use=reference)
                words = _same_words(turn.actor, kind, texts["what"])
            except RateLimited:
                report = await self._own(reference, turn.actor)  # stored meanwhile by another press of this Send?
                if report is None and (earlier := await self._sent_already(turn.actor, kind, texts["what"])):
                    return Reply(card=cards.reporter_card(self._strings, turn.lang, earlier, notice=self._strings.text(
                        "concern.sent_already", turn.lang, ref=earlier.reference,
                        when=on_day(self._strings, turn.lang, earlier.submitted_at)), zone=turn.time_zone))
                if report is None and not await self._sent_already(turn.actor, kind, texts["what"], closed_too=True):
                    # Claimed by another form that has not stored its report yet: it is sending them now.
                    return await again(notice=self._strings.text("concern.sending_elsewhere", turn.lang))
        if report is None:
            try:
                # Every press of this form's Send is one use, whichever stores the report: a second press (the
                # laptop's and the phone's at once) is not refused by the use the first took.
                await self._limiter.take(self._report_limit, turn.actor.key, now, use=reference)
            except RateLimited as limited:
                report = await self._own(reference, turn.actor)  # stored meanwhile by another press of this Send?
                if report is None:
                    await self._words_back(words, now)
                    return await again(notice=self._strings.text("concern.rate_limited", turn.lang,
                                                                 count=limited.limit.count,
                                                                 when=when_read(self._strings, turn.lang,
                                                                                limited.until, turn.time_zone)))
            else:
                report = await self._created_once(words, now, ConcernReport(
                    reference=reference, reporter=turn.actor, what=texts["what"], since=texts["since"],
                    where=texts["where"], who=texts["who"], evidence=texts["evidence"],
                    wants_meeting=texts["meeting"] == "true", urgent=texts["urgent"] == "true",
                    pace=Pace.URGENT if texts["urgent"] == "true" else Pace.STANDARD,
                    submitted_at=now, chain=chain, route=routing.why, kind=kind,
                    # The record keeps the colleague's address, as reports always have, whichever key the card sent.
                    about=about.email if about else texts["about"] if texts["about"] in {a.value for a in About}
                    else "",
                    about_name=about.name if about else "", involves_manager=subject.involves_manager,
                    involved_manager=routing.manager if subject.involves_manager or routing.manager_left_out
                    else None, form=token,
                    school=member.school if (member := member_for(staff, turn.actor)) else "", lang=turn.lang))
                if report is None:
                    maybe = {"name": routing.holder.name, "minutes": self._check_minutes}
                    try:
                        return await again(error=self._strings.text("concern.maybe_saved", turn.lang, **maybe))
                    except StorageUnavailable:  # the same words, below the form as she left it
                        return Reply(card=error_card(self._strings, turn.lang, "concern.maybe_saved", **maybe),
                                     new_message=True)
        try:
            await self._notifier.notify([await self._to_holder(report)])
        except StorageUnavailable:
            # Saved but not queued: sending the same form again is the same report; `check_reports` queues it
            # anyway on its next pass.
            return await again(error=self._strings.text("concern.saved_not_sent", turn.lang,
                                                         name=report.holder.name, minutes=self._check_minutes))
        same_chain = [c.aad_object_id for c in report.chain] == [c.aad_object_id for c in chain]
        left_out, namings = (routing.left_out, routing.namings) if same_chain else ((), ())
        past_cleared = past_cleared if same_chain else ()
        working_days = (await self._today(report, await staff_list())).working_days(report)
        passed_up_at = report.passed_up_at(working_days)
        return Reply(card=cards.receipt_card(self._strings, turn.lang, report,
                                             roles(report.chain, self._federation),
                                             passed_up_at=passed_up_at,
                                             passed_up_goes=_reaches_at(working_days, passed_up_at),
                                             left_out=left_out, namings=namings, past_cleared=past_cleared,
                                             holder_has_opened=await self._has_opened(report.holder, report),
                                             zone=turn.time_zone))

    async def _back_to_own_chat(self, turn: Turn, kind: ReportKind, token: str, texts: Mapping[str, str],
                                staff_list: StaffList) -> Reply:
        """Send pressed on a form in a group chat or channel (one forwarded there): a report is sent only from the
        person's own chat, so nothing is stored or sent, and the form goes to that chat with what they wrote, saying
        so. The group hears nothing of it (unless the bot has no chat of theirs to write to: then only where to find
        what they asked for, as anything private does)."""
        if await not_staff(self._federation, turn.actor, staff_list):
            card = error_card(self._strings, turn.lang, "concern.not_on_staff_list_form",
                              federation=self._federation.name(turn.lang))
        else:
            try:
                view = await self._view(turn.actor, kind, token, staff_list)
                notice = self._strings.text("concern.not_sent_from_a_group", turn.lang)
                if _says_others(turn.data.get("goes_to"), (c for c, _ in view.chain)):
                    # The form she pressed said others: her own chat's form says so, as a form sent back does.
                    notice = f"{notice}\n\n{self._strings.text('concern.goes_elsewhere_now', turn.lang)}"
                card = cards.form_card(self._strings, turn.lang, view, values=texts, notice=notice)
            except NobodyToSendTo as nobody:
                card = cards.nobody_card(self._strings, turn.lang, no_chair=nobody.no_chair)
        # Each press its own message: words changed before a second press come too.
        return await self._private(turn, card, f"concern-form|{token}|{secrets.token_urlsafe(8)}")

    async def _sent_already(self, person: Person, kind: ReportKind, what: str, *,
                            closed_too: bool = False) -> ConcernReport | None:
        """A report of hers still open (`closed_too`: or closed) with the same words (their case and spacing aside), or
        None."""
        return next((r for r in await self._with_the_same_words(person, kind, what)
                     if closed_too or r.state is not ReportState.CLOSED), None)

    async def _with_the_same_words(self, person: Person, kind: ReportKind, what: str) -> list[ConcernReport]:
        """Her reports of this kind with the same words (their case and spacing aside), open or closed: one read."""
        said = " ".join(what.split()).casefold()
        return [r for r in await self._reports.list_by_reporter(person)
                if r.kind is kind and " ".join(r.what.split()).casefold() == said]

    async def _has_opened(self, contact: StaffContact, report: ConcernReport) -> bool:
        """True when the bot can write to them (they have opened it; not removed it since); when storage can't say,
        taken as yes, so nobody is told a report waits that may not."""
        try:
            profile = await self._profiles.recent_profile(self._as_person(report, contact))
        except RecordNotFound:
            return False
        except StorageUnavailable:
            return True
        return bool(profile.conversation_ref)

    async def _own(self, reference: str, reporter: Person) -> ConcernReport | None:
        """The reporter's report with this reference, or None (there is none, or it is someone else's)."""
        return await owned(self._reports.get, reference, reporter, lambda r: r.reporter)

    async def _give_back(self, limit: Limit | None, person: Person, now: datetime) -> None:
        """A press that made nothing costs nothing: the use of `limit` it took at `now` is given back."""
        if limit is not None:
            await give_back_unused(self._limiter, limit, person.key, now)

    async def _created(self, report: ConcernReport) -> ConcernReport | None:
        """The new report stored (or as another press of the same Send stored it); None when storage did not answer and
        it can't be read back, and the use of the day's reports its press took is given back."""
        now = report.submitted_at
        try:
            return await self._create(report)
        except StorageUnavailable:
            # A write that timed out may still have been made, and `check_reports` would send it: only a report read
            # back is called sent, and none is ever called unsent.
            stored = await stored_after_all(lambda: self._own(report.reference, report.reporter))
            if stored is None:
                await self._give_back(self._report_limit, report.reporter, now)
            return stored
        except DomainError:
            await self._give_back(self._report_limit, report.reporter, now)
            raise

    async def _words_back(self, words: str, now: datetime) -> None:
        """The claim on a report's words (`_same_words`) taken at `now` given back: nothing was stored with them."""
        if words:
            await give_back_unused(self._limiter, _SAME_WORDS, words, now)

    async def _created_once(self, words: str, now: datetime, report: ConcernReport) -> ConcernReport | None:
        """`_created`, giving back the claim on its words when nothing was stored, so a second try can send them."""
        try:
            created = await self._created(report)
        except DomainError:
            await self._words_back(words, now)
            raise
        if created is None:
            await self._words_back(words, now)
        return created

    async def _create(self, report: ConcernReport) -> ConcernReport:
        """Store a new report; when a second press of the same Send stored it first, that one."""
        stored, _ = await created_once(
            self._reports.create, report, lambda: self._own(report.reference, report.reporter),
            lambda: replace(report, reference=new_reference()))
        return stored

    async def _message(self, contact: StaffContact | Person, report: ConcernReport, message_id: str,
                       build: Callable[[Lang, str], Card], *, card_key: str = "") -> OutboundMessage:
        """A message in the recipient's own language: for the reporter, the one she chose if she did, else that of the
        form she sent it on (as a question's reply: a Welsh form from an English Teams is answered in Welsh), else hers;
        built (`build`) in it and for the time zone her profile keeps (a line manager at a conference in Canada reads
        its times as UK time), from the one read of it; ids are derived from the report, so resending is harmless."""
        person = contact if isinstance(contact, Person) else Person(report.reporter.tenant_id,
                                                                     contact.aad_object_id, contact.name)
        if report.lang is not None and person.aad_object_id == report.reporter.aad_object_id:
            chosen, zone = await chosen_reading(self._profiles, person)
            lang = chosen or report.lang
        else:
            lang, zone = await preferred_reading(self._profiles, person)
        # A lock screen shows the preview to anyone near the phone: nothing of the report, not even whose it is.
        return OutboundMessage(recipient=person, message_id=f"{report.reference}|{message_id}", card=build(lang, zone),
                               card_key=card_key, created_at=self._clock(),
                               preview=self._strings.text("notify.private", lang))

    def _as_person(self, report: ConcernReport, contact: StaffContact) -> Person:
        return Person(report.reporter.tenant_id, contact.aad_object_id, contact.name)

    async def _to_holder(self, report: ConcernReport, *, reminder: bool = False,
                         staff: StaffList | None = None) -> OutboundMessage:
        holder = report.holder
        if reminder:  # one reminder for each holder (the first holder's has the id it has always had)
            kind = "reminder" if report.level == 0 else f"reminder-{report.level}"
        else:
            kind = _HOLDER_MESSAGE.get(report.level, f"escalated-{report.level}")
        # The reminder says the day the report is passed up, counted from the reminder (when it was sent) on the
        # holder's working days.
        passed_up_at = report.reminded_at or self._clock()
        passed_up_goes = None
        if reminder:
            working_days = (await self._today(report, await staff() if staff else None)).working_days(report)
            passed_up_at = working_days.add_working_days(passed_up_at, report.escalate_after)
            passed_up_goes = _reaches_at(working_days, passed_up_at)
        return await self._message(holder, report, kind, lambda lang, zone: (
            cards.reminder_card(self._strings, lang, report, passed_up_at=passed_up_at,
                                passed_up_goes=passed_up_goes, zone=zone) if reminder
            else cards.holder_card(self._strings, lang, report, self._as_person(report, holder), zone=zone)),
            # A reminder is a new message (it should be noticed), with a key of its own only so that retention can
            # replace it (it shows the whole report); anything else updates the card they have.
            card_key=f"{report.reference}|{holder.aad_object_id}" + (f"|{kind}" if reminder else ""))

    async def _messages(self, action: str, report: ConcernReport, *,
                        staff: StaffList | None = None) -> list[OutboundMessage]:
        """What an action owes the people it concerns (a reminder's working days from `staff`, the turn's read of the
        staff list, when given); the ids are fixed by report, action and level, so queuing them again (the reminder
        task catching up) sends nothing twice."""
        if action == "acknowledged":
            return [await self._message(report.reporter, report, f"acknowledged-{report.level}", lambda lang, _:
                                        cards.acknowledged_card(self._strings, lang, report))]
        if action == "escalated":
            return await self._escalation_messages(report)
        if action == "closed":  # keyed only so that retention can replace it: it may show the outcome
            kind = f"closed-{report.level}"
            return [await self._message(report.reporter, report, kind, lambda lang, zone:
                                        cards.closed_for_reporter(self._strings, lang, report, zone),
                                        card_key=f"{report.reference}|{report.reporter.aad_object_id}|{kind}")]
        if action == "not resolved":
            return [await self._to_holder(report)]
        if action == "added":
            return await self._added_messages(report)
        if action == "reminded":
            return [await self._to_holder(report, reminder=True, staff=staff)]
        if action == "passed on":  # nothing to whoever left
            return [await self._to_holder(report),
                    await self._message(report.reporter, report, f"passed-on-{report.level}", lambda lang, _:
                                        cards.passed_on_for_reporter(self._strings, lang, report))]
        return []

    async def _save(self, before: ConcernReport, after: ConcernReport, action: str, actor: str, *,
                    staff: StaffList | None = None, hours: SchoolCalendar | None = None,
                    any_day: bool = False) -> tuple[ConcernReport, bool]:
        """Write a change (etag-guarded) owing its messages, queue them, and clear the debt: the report and True.
        `staff`: the turn's read of the staff list, for what the messages need of it. `hours`: the change is the
        reminder task's, whose messages wait for school hours of that calendar (`any_day`: only overnight); the change
        itself is made now, so no deadline moves.

        If the messages can't all be queued the change is undone, so "nothing was changed" is true: those stored before
        the fault (one write per person) are taken back first, so that nothing of an undone change reaches anyone. If
        one can't be (a sender has it already), or the undo fails, the change stands and its messages stay owed
        (written with it) for `check_reports` to queue: the report and False, so the person can be told so.

        What an earlier change still owes is queued first, since this change's mark replaces it (the ids are fixed:
        nothing goes twice); if that can't be queued, this change is not made."""
        if before.owed:
            await self._notifier.notify(await self._messages(before.owed, before, staff=staff))
            before = replace(before, owed="")
        saved = await self._reports.save(replace(after, owed=action), action, actor, at=self._clock())
        messages: list[OutboundMessage] = []
        try:
            messages = await self._messages(action, saved, staff=staff)
            if hours is not None:
                messages = in_school_hours(messages, hours, self._clock(), any_day=any_day)
            await self._notifier.notify(messages)
            if action == "passed on":
                await self._taken_back_from_holder(before)
        except DomainError:
            try:
                undone = await self._notifier.take_back(messages)
                if undone:
                    await self._reports.save(replace(before, etag=saved.etag), f"{action} undone", "bot",
                                             at=self._clock())
            except DomainError:
                undone = False
            if not undone:
                log.warning("report %s: %s saved; its messages are owed to the next check", before.reference, action)
                return saved, False
            raise StorageUnavailable("messages not queued") from None
        if action in _REMINDER_SETTLED and actor != "task" and before.state in {ReportState.OPEN,
                                                                                 ReportState.ESCALATED}:
            await self._reminder_taken_back(before)
        return await self._paid(saved), True

    async def _reminder_taken_back(self, report: ConcernReport) -> None:
        """The holder's reminder not sent yet (waiting for school hours, or for them to open the bot) never reaches
        them once they have acknowledged, passed up or closed the report: it would ask them to do what they did. The
        change stands if storage fails here: the reminder then goes, as it did before it waited."""
        try:
            await self._notifier.recall(_reminder_key(report), keep=())
        except DomainError as error:
            log.warning("report %s: its holder's reminder could not be taken back: %s", report.reference,
                        type(error).__name__)

    async def _taken_back_from_holder(self, report: ConcernReport) -> None:
        """The cards of the report still waiting to be sent to its holder (the report and its reminder) never reach
        them: they have left, or left the post, and the outbox keeps a card for someone who has not opened the bot or
        removed it, to send the day they next do. A card they were sent stays, and shows nothing more."""
        for card_key in (f"{report.reference}|{report.holder.aad_object_id}", _reminder_key(report)):
            await self._notifier.recall(card_key, keep=())

    async def _queued_after_all(self, report: ConcernReport, staff: StaffList) -> tuple[ConcernReport, bool]:
        """A change saved though storage answered too late to say so: its messages queued now, as `_save` queues them,
        and the report and True; or, when they can't be, the report and False (they stay owed to `check_reports`)."""
        if not report.owed:  # another instance's check queued them already
            return report, True
        try:
            await self._notifier.notify(await self._messages(report.owed, report, staff=staff))
        except DomainError:
            return report, False
        return await self._paid(report), True

    async def _paid(self, report: ConcernReport) -> ConcernReport:
        """The report with its messages no longer owed. When that can't be written (a later change, storage gone),
        the next check queues them again under the same ids, which sends nothing twice."""
        try:
            return await self._reports.queued(report)
        except (ConcurrentChange, StorageUnavailable):
            return report

    async def _load(self, turn: Turn, staff: StaffList | None = None) -> ConcernReport:
        """The report the card names, as this person may see it (checked against `staff`, the turn's read of the staff
        list, when given); `RecordNotFound` when there is none or it is not theirs to see."""
        report, _ = await self._loaded(turn, staff)
        return report

    async def _loaded(self, turn: Turn, staff: StaffList | None = None) -> tuple[ConcernReport, Today]:
        """`_load`, with what the report was checked against (`Today`)."""
        reference = turn.data.get("ref")
        if not turn.is_private or not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
            raise RecordNotFound("no report")
        report = await self._reports.get(reference)
        # A stranger, or someone who has left, learns nothing, not even that the reference exists.
        if report.reporter.tenant_id != turn.actor.tenant_id:
            raise RecordNotFound("not visible")
        today = await self._today(report, await staff() if staff else None)
        if not report.may_see(turn.actor, today):
            raise RecordNotFound("not visible")
        return report.as_of(today), today

    async def _today(self, report: ConcernReport, staff: Sequence[StaffMember] | None = None) -> Today:
        """The settings and staff list as they are now, and what this report says about whom: what it is checked
        against before it moves on (its chain was fixed when it was sent)."""
        members = tuple(await self._directory.list_members() if staff is None else staff)
        about = None
        if "@" in report.about:  # the colleague picked from the list, as they were named then if they have left it
            about = self._about(report.about, members) or StaffContact("", report.about_name, report.about)
        subject = Subject(typed=report.written, about=about, involves_manager=report.involves_manager,
                          kind=report.kind, staff=members)
        member = member_for(members, report.reporter)
        # Her school when she sent it: once she has left the list, its head's post is still the report's (a report kept
        # from before that was known: the school whose head is highest in its chain, past a line manager who heads the
        # other).
        school = report.school or (member.school if member else "") or next(
            (s.school_id for c in reversed(report.chain) for s in self._federation.schools
             if c.aad_object_id == s.headteacher.aad_object_id), "")
        return Today(self._federation, members, subject, school)

    def _not_found(self, turn: Turn) -> Reply:
        """No such report, or not this person's to see: refused, and logged as refused."""
        return Reply(card=error_card(self._strings, turn.lang, "error.not_found"), refused=True)

    def _show(self, turn: Turn, report: ConcernReport, *, notice: str = "", closing: bool = False,
              error: str = "", draft: str = "", asked: cards.Asked | None = None) -> Reply:
        """The report as this (permitted) viewer may see it now: the reporter's view, or the holder's (`draft`: what
        they typed in its box; `asked`: whom to pass it to, as their note may name the next person up)."""
        if turn.actor.aad_object_id == report.reporter.aad_object_id:
            return Reply(card=cards.reporter_card(self._strings, turn.lang, report, notice=notice, draft=draft,
                                                  zone=turn.time_zone))
        return Reply(card=cards.holder_card(self._strings, turn.lang, report, turn.actor, notice=notice,
                                            closing=closing, error=error, draft=draft, asked=asked,
                                            zone=turn.time_zone))

    async def _too_long(self, turn: Turn, typed: str, box: str, *, closing: bool = False) -> Reply | None:
        """For words over their box's limit (a client that ignores the box's maxLength, or a forged press): the card
        again with them in the box, saying why nothing was changed; None when they fit. Cut to fit, the report would
        have gone on with them ending mid-sentence, nobody told."""
        if len(typed) <= LIMITS[box]:
            return None
        try:
            report = await self._load(turn)
        except RecordNotFound:
            return self._not_found(turn)
        why = self._strings.text("concern.too_long_for_box", turn.lang, length=len(typed), limit=LIMITS[box])
        if closing:
            return self._show(turn, report, closing=report.can_act(turn.actor), error=why, draft=typed)
        return self._show(turn, report, notice=why, draft=typed)

    async def _act(self, turn: Turn, action: str, change: Callable[[ConcernReport, Today], ConcernReport], *,
                   limit: Limit | None = None, tries: int = CONFLICT_TRIES) -> Reply:
        staff = read_once(self._directory.list_members)  # one read, whatever this press asks of the list
        try:
            report, today = await self._loaded(turn, staff)
        except RecordNotFound:
            return self._not_found(turn)
        try:
            changed = change(report, today)
        except NotAllowed:
            return self._show(turn, report)  # e.g. the manager, after the report went to the headteacher
        except NobodyToSendTo:  # the reporter's note names everyone it could go to next
            return self._show(turn, report, notice=self._strings.text("concern.note_names_everyone", turn.lang))
        except NoteNamesNext as asked:  # the holder's note may be about whoever it goes to next: asked first
            note = turn.data.get("note")
            return self._show(turn, report, asked=cards.Asked(asked.named, asked.after,
                                                               note if isinstance(note, str) else ""))
        if changed == report:
            return self._show(turn, report)  # a settled report, or a button already pressed: nothing changes
        now = self._clock()
        if limit is not None:
            try:
                await self._limiter.take(limit, turn.actor.key, now)
            except RateLimited as limited:
                return self._show(turn, report, notice=self._strings.text("concern.escalation_limited", turn.lang,
                                                                          count=limit.count,
                                                                          when=when_read(self._strings, turn.lang,
                                                                                         limited.until,
                                                                                         turn.time_zone)))
        try:
            saved, queued = await self._save(report, changed, action, turn.actor.aad_object_id, staff=staff)
        except ConcurrentChange:  # someone else's change came first: this press made none
            await self._give_back(limit, turn.actor, now)
            if tries > 1:  # made on the report as it now is, if it still may be (else shown as it now is)
                return await self._act(turn, action, change, limit=limit, tries=tries - 1)
            saved, queued = await self._reports.get(report.reference), True
        except StorageUnavailable:
            # A write that timed out may still have been made (and `check_reports` would send its messages): only a
            # report read back without this change is called unchanged, and one read back with it is called changed.
            stored = await stored_after_all(lambda: self._reports.get(report.reference))
            if stored is None:
                return self._show(turn, report, notice=self._strings.text("error.storage_unsure", turn.lang))
            if replace(stored, owed="") != replace(changed, owed=""):
                await self._give_back(limit, turn.actor, now)
                raise
            saved, queued = await self._queued_after_all(stored, staff)
        except DomainError:  # a fault: nothing was changed
            await self._give_back(limit, turn.actor, now)
            raise
        if queued:
            return self._show(turn, saved)
        return self._show(turn, saved, notice=self._strings.text("concern.messages_owed", turn.lang,
                                                                 minutes=self._check_minutes))

    async def show(self, turn: Turn) -> Reply:
        """A report as this viewer may see it (the reporter's view from "my reports", or a holder's). Each card so shown
        (its reference typed, Show on "reports for me") is keyed as the viewer's card of the report, so that where it
        was posted is recorded and it is replaced like the cards the bot sent: when the report moves past them, or is
        deleted."""
        try:
            report = await self._load(turn)
        except RecordNotFound:
            return self._not_found(turn)
        reply = self._show(turn, report)
        reply.card_key = f"{report.reference}|{turn.actor.aad_object_id}|shown-{secrets.token_urlsafe(9)}"
        return reply

    async def acknowledge(self, turn: Turn) -> Reply:
        """The holder has read it; the reporter is told."""
        return await self._act(turn, "acknowledged", lambda r, _: r.acknowledged(turn.actor, self._clock()))

    async def _escalation_messages(self, report: ConcernReport) -> list[OutboundMessage]:
        """The next holder gets the report; the reporter and the one before are told where it went."""
        before = report.chain[report.level - 1]
        suffix = "" if report.level == 1 else f"-{report.level}"
        return [await self._to_holder(report),
                await self._message(report.reporter, report, f"escalated-reporter{suffix}",
                                    lambda lang, _: cards.escalated_for_reporter(self._strings, lang, report)),
                await self._message(before, report, f"escalated-manager{suffix}",
                                    lambda lang, zone: cards.holder_card(self._strings, lang, report,
                                                                         self._as_person(report, before), zone=zone),
                                    card_key=f"{report.reference}|{before.aad_object_id}")]

    async def escalate(self, turn: Turn) -> Reply:
        """The holder passes it one step up, with a note for the people above; asked first when the note may name or
        describe the next person (`to`, once asked: whom it goes to)."""
        raw, to = turn.data.get("note"), turn.data.get("to")
        note = raw.strip() if isinstance(raw, str) else ""
        if (too_long := await self._too_long(turn, note, "note")) is not None:
            return too_long
        return await self._act(turn, "escalated", lambda r, today: r.escalated_by(
            turn.actor, note, self._clock(), today, to=to if isinstance(to, str) else ""), limit=self._escalation_limit)

    async def close(self, turn: Turn) -> Reply:
        """Closing is a decision: it needs a short outcome. The reporter is told (the outcome only if shared)."""
        raw = turn.data.get("outcome")
        outcome = raw.strip() if isinstance(raw, str) else ""
        if (too_long := await self._too_long(turn, outcome, "outcome", closing=True)) is not None:
            return too_long
        if not outcome:
            try:
                report = await self._load(turn)
            except RecordNotFound:
                return self._not_found(turn)
            error = self._strings.text("concern.outcome_required", turn.lang) if "outcome" in turn.data else ""
            return self._show(turn, report, closing=report.can_act(turn.actor), error=error)
        shared = turn.data.get("share_outcome") == "true"
        return await self._act(turn, "closed", lambda r, _: r.closed(turn.actor, outcome, shared=shared,
                                                                     now=self._clock()))

    async def reopen(self, turn: Turn) -> Reply:
        """The reporter's "this isn't resolved", once: it goes to the next person up, with their note."""
        raw = turn.data.get("note")
        note = raw.strip() if isinstance(raw, str) else ""
        if (too_long := await self._too_long(turn, note, "note")) is not None:
            return too_long
        return await self._act(turn, "not resolved",
                               lambda r, today: r.reopened(turn.actor, note, self._clock(), staff=today.staff,
                                                          federation=today.federation),
                               limit=self._escalation_limit)

    async def add(self, turn: Turn) -> Reply:
        """The reporter adds something to her open report: it reaches whoever holds it (as a new card, so it is
        noticed), or, when it may name or describe them, the next person up instead; never anyone it names."""
        raw = turn.data.get("note")
        note = raw.strip() if isinstance(raw, str) else ""
        if (too_long := await self._too_long(turn, note, "note")) is not None:
            return too_long
        if not note:
            try:
                report = await self._load(turn)
            except RecordNotFound:
                return self._not_found(turn)
            return self._show(turn, report, notice=self._strings.text("concern.add_required", turn.lang))
        return await self._act(turn, "added", lambda r, today: r.added_to(turn.actor, note, self._clock(), today),
                               limit=self._escalation_limit)

    async def _added_messages(self, report: ConcernReport) -> list[OutboundMessage]:
        """What the reporter's latest addition owes: passed on because it may be about its holder (or the holder has
        left), the next holder's card and the reporter's news of it, and nothing to the one passed over; else a new
        card of the report for its holder, saying she added to it."""
        added = [n for n in report.notes if n.kind is NoteKind.ADDED]
        if report.level > 0 and report.escalated_at == added[-1].at and added[-1].level == report.level:
            suffix = "" if report.level == 1 else f"-{report.level}"
            # The holder it went past for what she added (not one who has left: nothing more goes to them) is told
            # only that it is no longer with them.
            had_it = replace(report, level=report.level - 1)
            moved_on = await self._moved_on(report, had_it.holder) if added[-1].passed_over and \
                not had_it.holder_has_left(await self._today(report)) else []
            return [await self._to_holder(report),
                    await self._message(report.reporter, report, f"escalated-reporter{suffix}",
                                        lambda lang, _: cards.escalated_for_reporter(self._strings, lang, report)),
                    *moved_on]
        holder, kind = report.holder, f"added-{len(added)}"
        return [await self._message(holder, report, kind, lambda lang, zone: cards.holder_card(
            self._strings, lang, report, self._as_person(report, holder),
            news=self._strings.text("concern.added_for_holder", lang, name=report.reporter.name), zone=zone),
            card_key=f"{report.reference}|{holder.aad_object_id}|{kind}")]

    async def _moved_on(self, report: ConcernReport, before: StaffContact) -> list[OutboundMessage]:
        """For the holder it went past, each card of the report posted to them in Teams (the report, a reminder, what
        she added before) replaced in place by one saying it is no longer with them: never why, nor to whom. A card not
        yet posted is replaced too, so it is never posted (he had not opened the bot); nothing new is posted."""
        held_at = report.level - 1
        own = f"{report.reference}|{before.aad_object_id}"
        added = sum(1 for n in report.notes if n.kind is NoteKind.ADDED)
        keys = {own, f"{own}|" + ("reminder" if held_at == 0 else f"reminder-{held_at}"),
                *(f"{own}|added-{k}" for k in range(1, added))} | {
            slot.card_key for slot in await self._reports.list_posted_cards(report)
            if slot.recipient.aad_object_id == before.aad_object_id and slot.card_key.startswith(own)}
        return [replace(await self._message(before, report, f"moved-on-{report.level}|{key.removeprefix(own)}",
                                            lambda lang, _: cards.moved_on_card(self._strings, lang, report.reference),
                                            card_key=key), update_only=True)
                for key in sorted(keys)]

    async def mine(self, turn: Turn) -> Reply:
        """The reports this person sent: status and who holds each, never their text (on Show more, the next ones:
        after the last one its card showed, if that was one of this person's; else from the top)."""
        reports = await self._reports.list_by_reporter(turn.actor)
        start, notice = await goes_on_at(turn, reports, strings=self._strings, id_of=lambda r: r.reference,
                                         standing=listing_order, newest_first=True,
                                         stored=stored_if_any(self._reports.get, is_id=_REFERENCE.fullmatch),
                                         on_the_list=lambda r: r.reporter.key == turn.actor.key)
        # A line manager typing "my reports" for the reports sent to him: the first page says where those are.
        holding = start == 0 and bool(await self._held_by(turn.actor))
        return Reply(card=cards.my_reports_card(self._strings, turn.lang, reports, start=start, notice=notice,
                                                holding=holding, zone=turn.time_zone))

    async def _mine_if_any(self, turn: Turn) -> Reply:
        """A message that speaks of "my report" in words no list has ("has Mr Davies read my report yet?", "pwy sydd â
        fy adroddiad?"): from someone who has sent a report, her reports, as "my reports" lists them (in her own chat);
        from anyone else, a question, as before. Asked of the policy, it was kept, and listed for the review of the
        headteacher, who might be the person her report is about."""
        if await self._reports.list_by_reporter(turn.actor):
            return await self._private_chat.only(self.mine)(turn)
        assert self._question is not None
        return await self._question(turn)

    async def withdrawing(self, turn: Turn) -> Reply:
        """ "Withdraw my report" typed: nothing is withdrawn (once sent, a report is its holder's to close). Her
        reports, saying so and how to ask that one go no further; never answered from the policy nor kept as a
        question, which the headteacher it may be about would review."""
        reports = await self._reports.list_by_reporter(turn.actor)
        notice = self._strings.text("concern.typed_withdraw", turn.lang) if reports else ""
        return Reply(card=cards.my_reports_card(self._strings, turn.lang, reports, notice=notice,
                                                zone=turn.time_zone))

    async def held(self, turn: Turn) -> Reply:
        """The open reports this person holds while still there for them (the rules of Show on their cards), those
        waiting for them to acknowledge first, then oldest first: state and Show, never their text. On Show more, the
        next ones after the last one its card showed, if this person held it; else from the top."""
        reports = await self._held_by(turn.actor)
        after, waiting = turn.data.get("after"), turn.data.get("waiting")

        def standing(report: ConcernReport) -> tuple[bool, datetime, str]:
            # Where the card showed the last one (acknowledged since, say): the list goes on after that place.
            shown = waiting == "true" if report.reference == after and waiting in ("true", "false") else None
            return holding_order(report, waiting=shown)

        stored = stored_if_any(self._reports.get, is_id=_REFERENCE.fullmatch)

        async def still_seen(reference: str) -> ConcernReport | None:
            # A report that went on from them is a place on their list only while they may still see it: one that
            # went past them (what she added may be about them) says nothing, not even whether it was acknowledged.
            report = await stored(reference)
            if report is None or report.reporter.tenant_id != turn.actor.tenant_id or \
                    not report.may_see(turn.actor, await self._today(report)):
                return None
            return report

        start, notice = await goes_on_at(
            turn, reports, strings=self._strings, id_of=lambda r: r.reference, standing=standing, newest_first=False,
            stored=still_seen, on_the_list=lambda r: r.level_of(turn.actor) is not None)
        return Reply(card=cards.held_reports_card(self._strings, turn.lang, reports, turn.actor, start=start,
                                                  notice=notice, zone=turn.time_zone))

    async def acknowledged_by_typing(self, turn: Turn) -> Reply:
        """ "Acknowledge the report" typed: nothing is acknowledged. Whoever holds reports gets the list of them, saying
        to open one with Show and press Acknowledge; anyone else, how reports are acknowledged (on the same card, with
        none listed: nothing says who holds what)."""
        reports = await self._held_by(turn.actor)
        key = "concern.typed_acknowledge" if reports else "concern.typed_acknowledge_not_holder"
        return Reply(card=cards.held_reports_card(self._strings, turn.lang, reports, turn.actor,
                                                  notice=self._strings.text(key, turn.lang), zone=turn.time_zone))

    async def held_if_any(self, turn: Turn) -> Card | None:
        """The card of the open reports this person holds, for "anything waiting for me?" (state and Show, never their
        text); None when they hold none: nothing tells anyone else who holds what."""
        reports = await self._held_by(turn.actor)
        return cards.held_reports_card(self._strings, turn.lang, reports, turn.actor,
                                       zone=turn.time_zone) if reports else None

    async def _held_by(self, person: Person) -> list[ConcernReport]:
        """The open reports `person` holds and may still see (as `_load` allows Show), in their list's order."""
        staff: Sequence[StaffMember] | None = None
        held = []
        for report in await self._reports.list_open():
            if report.reporter.tenant_id != person.tenant_id or not report.handled_by(person):
                continue
            staff = await self._directory.list_members() if staff is None else staff
            today = await self._today(report, staff)
            if report.held_by(person, today):
                held.append(report.as_of(today))
        return sorted(held, key=holding_order)

    async def check_reports(self) -> int:
        """Queue the messages a fault left owed; then remind a holder once after two working days unacknowledged
        (whether it was sent to them or passed up to them) and pass it up two more later, one and one for an urgent
        report: the holder's working days (no weekend, bank holiday, or school holiday of their school). Safe on many
        instances; returns how many reports were reminded or passed up."""
        staff_list = read_once(self._directory.list_members)  # one read for the whole pass
        await self._catch_up(staff_list)
        done = 0
        now = self._clock()
        staff = await staff_list()
        for stored in await self._reports.list_open():
            today = await self._today(stored, staff)
            report = stored.as_of(today)
            working_days = today.working_days(report)
            due = report.due(now, working_days)
            try:
                passed = report.passed_on(today, now)
                if passed != report:  # its holder has left: on at once, not after the reminders
                    await self._save(report, passed, "passed on", "task", staff=staff_list, hours=working_days,
                                     any_day=True)
                    done += 1
                    continue
                if report.holder_has_left(today):
                    self._nobody_left(report)
                    continue
                if report.state is ReportState.OPEN:
                    # The first message to the holder may have failed to queue at submit; its id is fixed by the
                    # report, so when it is already queued (or sent) this adds nothing.
                    await self._notifier.notify([await self._to_holder(report)])
                if due == "remind":
                    await self._save(report, replace(report, reminded_at=now), "reminded", "task", staff=staff_list,
                                     hours=working_days)
                elif due == "escalate":
                    # A safety matter: held overnight at most, never over a weekend or a holiday.
                    await self._save(report, report.escalated(None, "", now), "escalated", "task", staff=staff_list,
                                     hours=working_days, any_day=True)
                else:
                    continue
            except ConcurrentChange:
                continue  # another instance claimed it first: it sends, this one does not
            done += 1
        return done

    def _nobody_left(self, report: ConcernReport) -> None:
        if report.reference not in self._stuck:  # once: the task runs every few minutes
            self._stuck.add(report.reference)
            log.warning("report %s: its holder has left and nobody it can go to is left; check the settings and the "
                        "staff list", report.reference)

    async def _catch_up(self, staff: StaffList) -> None:
        """Queue what changes saved while storage failed still owe (their ids are fixed: nothing goes twice)."""
        for report in await self._reports.list_owed():
            messages = await self._messages(report.owed, report, staff=staff)
            if messages:
                await self._notifier.notify(messages)
            await self._paid(report)
            log.info("report %s: the messages owed for %s are queued", report.reference, report.owed)

    async def _replacing_cards(self, report: ConcernReport, months: int) -> list[OutboundMessage]:
        """A message for each card of the report posted in Teams, putting in its place one that says it was deleted
        under the retention rule and nothing of it; English and Welsh, the sender choosing by the reader's language.
        Its id is fixed by the card, so queuing it again sends nothing twice."""
        return [OutboundMessage(recipient=slot.recipient, message_id=f"{slot.card_key}|deleted",
                                card=cards.deleted_card(self._strings, Lang.EN, report.reference, months),
                                card_cy=cards.deleted_card(self._strings, Lang.CY, report.reference, months),
                                card_key=slot.card_key, created_at=self._clock(),
                                preview=self._strings.text("notify.private", Lang.EN),
                                preview_cy=self._strings.text("notify.private", Lang.CY))
                for slot in await self._reports.list_posted_cards(report)]

    async def purge(self, *, months: int, dry_run: bool = False) -> list[str]:
        """Delete reports whose retention period after closure has passed; return their references.

        A report changed since this pass read it (the reporter said it isn't resolved) is left alone: it is deleted
        only as it was read, and from the moment it is claimed nobody else finds it. Each card of it posted in Teams
        is then replaced first, by a message queued like any other (Teams refusing it, or the person not reachable,
        it is tried again), so the report's words leave the chats as they leave storage. What that keeps (the message,
        where the card is) goes CARDS_REPLACED_WITHIN after the deletion, a message still unsent then being given up
        and logged by the report's reference: an unreplaceable card never keeps a report, nor anything of it, for
        ever. What every daily limit (reports, escalations, requests, questions, replies) keeps of days that are over
        goes too."""
        now = self._clock()
        expired = [r for r in await self._reports.list_all() if r.expired(now, months)]
        if dry_run:
            return [r.reference for r in expired]
        for reference in await self._reports.forget_replaced_cards(deleted_before=now - CARDS_REPLACED_WITHIN):
            log.warning("report %s: a card of it in Teams could not be replaced within %d days of its deletion; "
                        "given up", reference, CARDS_REPLACED_WITHIN.days)
        deleted = []
        async def replace_cards(claimed: ConcernReport) -> list[OutboundMessage]:
            replacing = await self._replacing_cards(claimed, months)
            if replacing:
                await self._notifier.notify(replacing)
            return replacing

        for report in expired:
            try:
                await self._reports.delete(report, at=now, replacing=replace_cards)
            except (ConcurrentChange, RecordNotFound):
                # Changed since it was read, or another instance is deleting it (the running bot purges on every
                # instance).
                continue
            deleted.append(report.reference)
        try:
            # An ended day's row would go on naming who made which report (or request, or question) when.
            await self._limiter.forget_ended_days(now)
        except DomainError as error:  # the next pass forgets the rest
            log.warning("the daily limits' ended days were not all forgotten: %s", type(error).__name__)
        return deleted
