"""Asking the headteacher's permission for work social media, and the headteacher's one-click decision."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from pydantic import Field, model_validator

from bot.domain.concerns import common_words
from bot.domain.directory import StaffDirectory, member_for
from bot.domain.errors import (
    ConcurrentChange,
    DomainError,
    NotAllowed,
    RecordNotFound,
    StorageUnavailable,
)
from bot.domain.federation import Federation, School
from bot.domain.figures import term_of
from bot.domain.ids import new_form_token
from bot.domain.limits import Limit, RateLimited, RateLimiter, give_back_unused
from bot.domain.outbox import Notifier, OutboundMessage, in_school_hours
from bot.domain.people import Lang, Person, same_name
from bot.domain.permission_requests import (
    ENDED,
    LIMITS,
    SENT_TO_APPROVER,
    SUBMITTED,
    SUPERSEDED,
    SUPERSEDING_UNDONE,
    WITHDRAWN,
    AlreadySettled,
    AuditEntry,
    NotInForce,
    PermissionRequest,
    PermissionRequests,
    RequestState,
    account_request_id,
    approval_problem,
    approved_for_a_colleague,
    approved_in_force,
    asked_already,
    changes_from,
    covered_by,
    decide,
    decided_by_others,
    end_permission,
    form_request_id,
    is_form_token,
    is_request_id,
    last_declined,
    listing_order,
    may_see_register,
    narrower_to_supersede,
    needs_no_permission,
    new_request_id,
    not_named_by_policy,
    note_problem,
    platform_at,
    read_form,
    replaced_through,
    replaced_until_kept,
    requester_has_left,
    restored_narrower,
    restored_through,
    stands_until,
    supersede,
    waiting_beside,
    withdraw,
)
from bot.domain.profiles import UserProfiles, preferred_reading
from bot.domain.text import clean_user_text, fold, visible, without_accents
from bot.domain.uk_time import UK, uk_today
from cards import permission_requests as cards
from cards.answer import when_read
from cards.common import VERB_MY_REQUESTS, VERB_PENDING, VERB_PERMISSION_FORM, error_card, notice_card
from cards.elements import Card
from cards.i18n import Catalogue
from dialogs.base import (
    Afterwards,
    CardData,
    Handler,
    Reply,
    Text,
    Turn,
    Verb,
    created_once,
    normalise,
    opens,
    owned,
    stored_after_all,
)
from dialogs.home import after_greetings
from dialogs.language import ShownIn, in_the_cards_language, in_the_listed_language
from dialogs.lists import ListClick, goes_on_at, stored_if_any
from dialogs.phrases import listed_in_welsh, one_of, opening, read_phrases, read_table, said_only, without_courtesy
from dialogs.private import PrivateChat
from dialogs.staff_only import StaffList, named_from_the_staff_list, not_staff, read_once, refused_as

log = logging.getLogger(__name__)

# The commands and words this flow recognises are lists in data/ (`dialogs.phrases`), which a Welsh speaker can extend;
# each file's header says how its words are matched.
FORM_WORDS = frozenset(read_phrases("permission-form.txt"))
MINE_WORDS = frozenset(read_phrases("permission-my-requests.txt"))
# Where a person names a request of their own ("cais" after "fy" is "nghais"; typed without the mutation too, and
# "cais fi" as it is spoken). Whether it is one to the headteacher is told by what follows it and what is asked of it.
# Words that name a platform (after `normalise`), for filling in the form from "I need permission for a class insta":
# the form's choice, or the name an "other" platform is shown by.
# How far down a chain of approvals of one account, each asking more of the one before, an approval of more looks.
CHAIN_LIMIT = 20
_PLATFORM_WORDS = read_table("form-platforms.tsv")
_OTHER_PLATFORMS = read_table("form-other-platforms.tsv")
# What may stand between "my" and "request" in English and still name a request to the headteacher ("my Instagram
# request", "my class insta page request"); the platform it names must be one she asked for (`_on_a_platform_named`).
_OF_A_REQUEST = ["own", "permission", "social media", "class", "page", "account",
                 *sorted(_PLATFORM_WORDS, key=len, reverse=True), *sorted(_OTHER_PLATFORMS, key=len, reverse=True)]
_MY_REQUEST = re.compile(rf"\bmy (?:(?:{'|'.join(map(re.escape, _OF_A_REQUEST))}) )*requests?\b"
                         r"|\b(?:fy )?(?:nghais|ngheisiadau|ngheisiau)\b|\bfy (?:cais|ceisiadau)\b"
                         r"|\b(?:cais|ceisiadau) fi\b"
                         # "i'm cais" / "a'm cais": "fy" after a vowel.
                         r"|\b(?:i|a|o) m (?:cais|ceisiadau)\b"
                         # Hers without "my": "the request I sent", "y cais wnes i (ei anfon)".
                         r"|\bthe requests? i (?:sent|made|put in|submitted)\b"
                         r"|\b(?:y|r) cais (?:a )?(?:wnes i|nes i|anfonais|anfones|yrrais|gyrrais)\b"
                         # Taken back without "my", as most type it: "tynnu'r cais yn ôl", "withdraw request".
                         r"|\b(?:tynnu|dynnu|thynnu) (?:y |r |yr )?(?:cais|ceisiadau)\b(?= (?:yn )?n?ol\b)"
                         r"|\bwithdraw(?:ing)? (?:the |a |that |this )?requests?\b"
                         # "The request" without "my", asked whether it was decided ("has the request been approved?",
                         # "ydy'r cais wedi'i gymeradwyo?", "odi'r cais wedi mynd trwodd?") or for its news ("any news
                         # on the request?", "unrhyw newyddion am y cais?", "be sy 'di digwydd i'r cais?"). A friend
                         # request is accepted, not approved ("Should I accept the request?").
                         r"|\b(?:has|have|was|is) the request(?= (?:been |got |gone )?(?:approved|declined|rejected|"
                         r"refused|decided|through|signed off|okayed)\b)"
                         r"|\b(?:news|update|updates|word) (?:on|about|of) the request$"
                         r"|\b(?:ydy|ydi|odi|yw|oedd|gafodd) r cais(?= (?:wedi |di )?(?:cael ei |i |ei )?(?:gymeradwyo|"
                         r"chymeradwyo|cymeradwyo|wrthod|gwrthod|phenderfynu|benderfynu|mynd drwodd|mynd trwodd|"
                         r"drwodd|trwodd)\b)"
                         r"|\b(?:newyddion|hanes|ateb|ymateb) (?:am|i|ar) (?:y|r) cais(?= eto$|$)"
                         r"|\bdigwydd (?:i|efo|gyda|hefo) r cais(?= eto$|$)")
# "What do I need to put in my request?": what a request should say, not what became of hers.
_WHAT_TO_PUT_IN = re.compile(r"\b(?:to|should i|must i|can i|could i) (?:put|include|write|say|mention|explain)"
                             r"(?: \w+){0,2} (?:in|on)$")
# "my request to ..." / "fy nghais i ...": to the headteacher (or a named person), or to do what the head permits.
_TO_THE_HEAD = frozenset(read_phrases("my-request-to-the-head.txt"))
_FOR_AN_ACCOUNT = frozenset(read_phrases("my-request-for-an-account.txt"))
_ARTICLES = frozenset(read_phrases("my-request-articles.txt"))
# "fy nghais i wedi ...": "i" after "nghais" is "my" said twice, not "to" ("Dydy fy nghais i ddim wedi...", "Mae fy
# nghais i heb gael ateb", "fy nghais i sy'n aros").
_MINE_SAID_TWICE = frozenset(read_phrases("my-request-said-twice.txt"))
# "my request from last week" is when it was sent; "my requests from pupils" are other people's.
_WHEN = frozenset(read_phrases("my-request-when.txt"))
# What a person asks of their own request to the headteacher: whether it was approved or declined, what happened to
# it, where it is, any news, to see, check, change or withdraw it ("golygu": to edit, and to mean).
_ASKED_OF_A_REQUEST = frozenset(read_phrases("my-request-asked.txt"))


def _goes_to(after: list[str]) -> str:
    """What the words after "my request" say of it: "head" for a request to the headteacher ("my request for a class
    Instagram", "to Mrs Roberts", "to set up a blog", "fy nghais am dudalen", "i'r pennaeth", "i ddefnyddio"), "other"
    for one to or from someone else ("my request to stop messaging me", "my requests from pupils", "fy nghais i ddilyn
    ei gyfrif", "cais ffrind"), "" when they say neither."""
    first, rest = (after[0], after[1:]) if after else ("", [])
    if first in ("for", "am") or after[:2] == ["ar", "gyfer"]:
        return "head"
    if first in ("from", "gan"):
        return "" if rest and rest[0] in _WHEN else "other"
    if first in ("ffrind", "ffrindiau", "dilyn", "ddilyn"):
        return "other"
    if first == "i" and rest and rest[0] in _MINE_SAID_TWICE:  # "fy nghais i am …": "my" said twice, then "for"
        return _goes_to(rest)
    if first == "to" or (first == "i" and rest and rest[0] not in _MINE_SAID_TWICE):
        named = next((word for word in rest if word not in _ARTICLES), "")
        to_the_head = named in _TO_THE_HEAD | _FOR_AN_ACCOUNT or named == NAMED_DECIDER
        return "" if not named else "head" if to_the_head else "other"
    return ""


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})


def deciders_names(federation: Federation) -> tuple[str, ...]:
    """How staff may name whoever decides requests (each school's headteacher and named delegates), normalised, longest
    first: with the title and whole name the settings give ("mrs sian roberts"), the whole name ("sian roberts"), the
    first name ("sian") and, with a title, the title and surname ("mrs roberts", as staff most often name her); accents
    are folded, so "Siân" and "Sian" are one."""
    said: set[str] = set()
    for person in (c for school in federation.schools for c in (school.headteacher, *school.delegates)):
        words = normalise(person.name).split()
        titled = bool(words[:1]) and words[0] in _TITLES
        name = [w for w in words if w not in _TITLES] if titled else words
        if name:
            said.update({" ".join(words), " ".join(name), name[0]})
        if titled and len(name) > 1:
            said.add(f"{words[0]} {name[-1]}")
    return tuple(sorted(said, key=lambda n: (-len(n), n)))


def deciders_named(said: str, names: Sequence[str], *, written: str) -> str:
    """Normalised words with each of `names` (`deciders_names`) read as whoever decides her requests, as "the head" is:
    "did sian say yes to my request" reads as "did named_decider say yes to my request". A first name that is also an
    everyday word ("Will", "May", "Hope": `common_words`) is her name alone only as `written` (what was typed) writes a
    name: with its capital, not a sentence's first word, in words not all in capitals ("Did Will get my request?", not
    "… by mistake, will I get in trouble?"); with the surname or a title it is her however written."""
    if not names:
        return said
    everyday = {name for name in names if " " not in name and name in common_words()}
    # How each word was written matters only for such a name: most federations have none.
    if everyday and len(as_names := _written_as_names(written)) == len(words := said.split()):
        said = " ".join(NAMED_DECIDER if word in everyday and as_name else word
                        for word, as_name in zip(words, as_names, strict=True))
    others = [name for name in names if name not in everyday]
    if not others:
        return said
    return re.sub(rf"\b(?:{'|'.join(map(re.escape, others))})\b", NAMED_DECIDER, said)


_SENTENCE_END = re.compile(r"[.!?:;\n]")


def _written_as_names(written: str) -> list[bool]:
    """For each of `normalise(written)`'s words, whether it is written as a name: with its capital, not the first word
    of a sentence, in words not all in capitals."""
    shown = without_accents(visible(written))
    spaced = re.sub(r"[^\w\s]", " ", shown)  # as `normalise` splits words, each character kept in its place
    found = list(re.finditer(r"\S+", spaced))
    shouting = all(w.group() == w.group().upper() for w in found)
    return [not shouting and w.group()[:1].isupper() and n > 0
            and _SENTENCE_END.search(shown, found[n - 1].end(), w.start()) is None
            for n, w in enumerate(found)]


def asks_about_own_request(said: str) -> bool:
    """Whether normalised words ask about a request of the person's own to the headteacher: "my request" (or "fy
    nghais") that is not one to or from someone else, named with what it was for or where it went, or with what one
    asks of such a request ("has my request been approved?", "Beth ddigwyddodd i fy nghais?"). "A parent ignored my
    request to stop messaging me" and "What should I do about my requests from pupils to follow me?" are questions for
    the policy; "Has my request for a page parents can follow been approved?" is not."""
    return bool(_own_requests_named(said))


# Adding something to her request ("add pupils' photos to my request", "ychwanegu lluniau at fy nghais"): "add" alone
# is also adding a parent who accepted a friend request.
_ADDED_TO = re.compile(r"\badd(?:ing)?\b.* to my\b|\bychwanegu\b.* at fy\b"
                       # Something to put right in it ("a mistake in my request"); not a friend request sent "by
                       # mistake", "trwy gamgymeriad".
                       r"|\bmistakes? (?:in|on) my\b|\bcamgymeriad (?:yn|ar) fy\b")


def _own_requests_named(said: str) -> list[str]:
    """The words naming the person's own request to the headteacher ("my instagram request", "fy nghais"), as
    `asks_about_own_request` finds them."""
    said = " ".join(said.split())
    # Whoever decides it, named by name ("Did Siân get my request?", "Has Siân replied to it?"), is asked about it.
    asked = (any(word in _ASKED_OF_A_REQUEST or word == NAMED_DECIDER for word in said.split())
             or bool(_ADDED_TO.search(said) or _NEWS_OF.search(said) or _THE_HEAD_AGREED.search(said)
                     or _THE_HEAD_HAS_IT.search(said)))
    found: list[str] = []
    for named in _MY_REQUEST.finditer(said):
        if _WHAT_TO_PUT_IN.search(said[:named.start()].rstrip()):
            continue
        goes_to = _goes_to(said[named.end():].split())
        names_permission = "permission" in named.group() or "social media" in named.group()
        # Named by its platform: "my insta request", and in Welsh after the noun, "fy nghais insta", "fy nghais i am
        # insta" (the platform must be one she asked for: `_on_a_platform_named`).
        platform = _platform_after(said[named.end():].split())
        names_a_platform = bool(platform) or any(w in _PLATFORM_WORDS or w in _OTHER_PLATFORMS
                                                 for w in named.group().split())
        if goes_to == "head" or (not goes_to and (asked or names_permission or names_a_platform)):
            found.append(f"{named.group()} {platform}".strip())
    return found


def _platform_after(after: list[str]) -> str:
    """The platform a Welsh request is named by after the noun ("fy nghais insta", "fy nghais i am instagram", "fy
    nghais ar gyfer facebook"), or ""."""
    words = after[1:] if after[:1] == ["i"] else after
    words = words[1:] if words[:1] == ["am"] else words[2:] if words[:2] == ["ar", "gyfer"] else words
    return words[0] if words and (words[0] in _PLATFORM_WORDS or words[0] in _OTHER_PLATFORMS) else ""


def platforms_named(said: str) -> frozenset[str]:
    """The platforms the person names her own request by ("my instagram request": `instagram`; an "other" platform
    by its folded name, "my seesaw request": `seesaw`); none when the words name no platform ("my request")."""
    words = [w for named in _own_requests_named(said) for w in named.split()]
    return frozenset([_PLATFORM_WORDS[w] for w in words if w in _PLATFORM_WORDS]
                     + [fold(_OTHER_PLATFORMS[w]) for w in words if w in _OTHER_PLATFORMS])


# "Has the head approved my Instagram yet?": her account named by its platform after "my" / "fy" (past the words that
# may stand between: "my class Instagram page", "fy nghyfrif Instagram"), with what one asks of a decision, and not
# about what is posted on it nor friends, followers or requests there (`accounts_asked_about`).
_ASKED_OF_AN_ACCOUNT = frozenset(read_phrases("my-account-asked.txt"))
# Not "own": "my own Instagram" is her personal account, which needs no permission.
_BEFORE_AN_ACCOUNT = ["class", "school", "new", "department", "dept", "page", "account", "nghyfrif", "nhudalen",
                      "cyfrif", "tudalen"]
_PLATFORM_NAMES = "|".join(map(re.escape, sorted({*_PLATFORM_WORDS, *_OTHER_PLATFORMS}, key=len, reverse=True)))
_ON_AN_ACCOUNT = ["post", "posts", "photo", "photos", "picture", "pictures", "video", "videos", "content", "comment",
                  "comments", "message", "messages", "story", "stories", "bio", "profile", "settings", "postiadau",
                  "lluniau", "negeseuon", "sylwadau"]
_MY_ACCOUNT = re.compile(
    rf"\b(?:my|fy|(?:i|a|o) m(?= cyfrif| tudalen)) (?:(?:{'|'.join(_BEFORE_AN_ACCOUNT)}) )*(?P<platform>"
    rf"{_PLATFORM_NAMES})\b(?! (?:{'|'.join(_ON_AN_ACCOUNT)})\b)")
# Her account named as the school names it, without "my", in a question of whether it was decided: "Has the PE
# Instagram been approved?", "Was our class blog declined?", "Ydy Instagram AG wedi cael ei gymeradwyo?". What stands
# between "the" and the platform is a name ("PE", "Year 6"), not "the use of Instagram"; and it asks what was decided,
# not what must be ("Does the PE Instagram need to be approved?").
_NOT_A_NAME = r"(?!(?:of|for|to|on|in|with|and|or|use|using|a|an|the|my|our|your|their|any|this|that|new)\b)\w+"
_THE_ACCOUNT_DECIDED = re.compile(
    rf"\b(?:the|our) (?:{_NOT_A_NAME} ){{0,3}}(?P<platform>{_PLATFORM_NAMES})(?: (?:page|account|feed|channel))?"
    r" (?:been |got |get |was |is )?(?:approved|okayed|ok d|declined|rejected|refused|signed off)\b"
    # Approved by someone else, or as something: the school's standing, not her request.
    r"(?! (?:as|by (?:the )?(?:governors?|governing|policy|council|county|local authority|la|federation|law))\b)"
    r"|\b(?:ydy|ydi|yw|gafodd|cafodd)(?: r| y| yr)? (?:(?:cyfrif|tudalen|dudalen) )?"
    rf"(?P<platform_cy>{_PLATFORM_NAMES})(?: \w+){{0,3}}? (?:wedi (?:cael |i )?(?:ei |i )?|ei |i )"
    r"(?:gymeradwyo|chymeradwyo|cymeradwyo|wrthod|gwrthod)\b")
# The head's yes in words other than "approved", said of a decision made ("Did the head say yes to …", "Has Mrs Roberts
# agreed to …", "Ydy'r pennaeth wedi cytuno i …", "Wnaeth y pennaeth gytuno i …"): not what the rules require ("Does the
# head have to say yes?"), nor the parents' yes, which "yes" or "agreed" alone would be.
# Whoever decides her requests, named in her words ("Did Siân say yes …?"), as `deciders_named` writes them.
NAMED_DECIDER = "named_decider"
_THE_HEAD = (r"(?:the |my |our )?(?:head|headteacher|head teacher|headmaster|headmistress|exec head|executive head"
             rf"|(?:mr|mrs|ms|miss|dr) \w+|{NAMED_DECIDER})")
_Y_PENNAETH = rf"(?:y |r |yr )?(?:pennaeth|bennaeth|(?:mr|mrs|ms|miss|dr) \w+|{NAMED_DECIDER})"
_YES = r"(?:(?:me |us )?(?:permission|the go ahead|the green light|the ok|the okay)|yes|ok|okay|go ahead)"
_THE_HEAD_AGREED = re.compile(
    rf"\b(?:did|has|have) {_THE_HEAD} (?:say|said|give|given|gave) {_YES}\b"
    rf"|\b(?:did|has|have) {_THE_HEAD} (?:agree|agreed|sign off|signed off|okay|okayed|ok|ok d)\b"
    # ... and her no ("Did the head say no to my request?", "Did Siân turn down my request?")
    rf"|\b(?:did|has|have) {_THE_HEAD} (?:say no|said no|turn down|turned down)\b"
    rf"|\b{_THE_HEAD} (?:has |s )?(?:said {_YES}|agreed|signed off|okayed|ok d|given {_YES}|gave {_YES})\b"
    rf"|\b(?:ydy|ydi|yw|wnaeth|naeth|mae)(?: \w+)?? {_Y_PENNAETH} (?:wedi )?(?:cytuno|gytuno|dweud ie|deud ie|"
    r"dweud na|ddweud na|deud na|"
    r"rhoi caniatad|roi caniatad|rhoi sel bendith|roi sel bendith)\b"
    rf"|\b(?:cytunodd|gytunodd|dywedodd|ddywedodd) {_Y_PENNAETH}\b"
    r"|\bok e?d\b|\bokd\b")
# Whether the head has it ("Did the head get my request?", "Is my request with the head?", "Ydy'r pennaeth wedi cael fy
# nghais?", "Ydy fy nghais gyda'r pennaeth?"): not "Should I discuss my request with the head?".
_THE_HEAD_HAS_IT = re.compile(
    rf"\b(?:did|has|have) {_THE_HEAD} (?:get|got|gotten|receive|received|read|opened)\b"
    rf"|^(?:is|has|was) .*\bwith {_THE_HEAD}\b"
    rf"|\b(?:ydy|ydi|yw|wnaeth|naeth)(?: \w+)?? {_Y_PENNAETH} (?:wedi )?(?:cael|gael|derbyn|dderbyn|darllen|ddarllen)\b"
    rf"|^(?:ydy|ydi|yw|oes) .*\b(?:gyda|efo) {_Y_PENNAETH}\b")
_NOT_ABOUT_THE_DECISION = frozenset({
    "friend", "friends", "follow", "follows", "follower", "followers", "following", "request", "requests", "post",
    "posts", "posting", "share", "sharing", "put", "dm", "message", "photo", "photos", "pic", "pics", "picture",
    "pictures", "selfie", "video", "videos", "ffrind", "ffrindiau", "dilyn", "ddilyn", "dilynwyr", "cais", "nghais",
    "ceisiadau", "ngheisiadau", "postio", "bostio", "rhannu", "rannu", "rhoi", "roi", "llun", "lluniau", "fideo"})


# "Any news on my Instagram?": "news" alone is also what is posted ("school news").
_NEWS_OF = re.compile(r"\b(?:news|update|updates|status|progress|any word|no word) (?:on|about|of|for) (?:my|the)\b"
                      r"|\b(?:newyddion|hynt|statws) (?:am |ar )?(?:fy|y)\b")


def accounts_asked_about(said: str) -> frozenset[str]:
    """The platforms of the person's own accounts that normalised words ask the headteacher's decision on, without the
    word "request" ("has the head approved my instagram yet", "ydy fy instagram wedi i gymeradwyo"): as
    `platforms_named` gives them; none when the words ask no such thing."""
    said = " ".join(said.split())
    # The head's yes may say "give" ("rhoi caniatâd"), which elsewhere is putting something on it ("rhoi llun").
    if set(_THE_HEAD_AGREED.sub(" ", said).split()) & _NOT_ABOUT_THE_DECISION:
        return frozenset()
    words = set(said.split())
    named = [m.group("platform") or m.group("platform_cy") for m in _THE_ACCOUNT_DECIDED.finditer(said)]
    if words & _ASKED_OF_AN_ACCOUNT or _NEWS_OF.search(said) or _THE_HEAD_AGREED.search(said):
        named += [m.group("platform") for m in _MY_ACCOUNT.finditer(said)]
    return frozenset([_PLATFORM_WORDS[w] for w in named if w in _PLATFORM_WORDS]
                     + [fold(_OTHER_PLATFORMS[w]) for w in named if w in _OTHER_PLATFORMS])


def _on_a_platform_named(request: PermissionRequest, platforms: frozenset[str]) -> bool:
    """Whether the request is for one of these platforms (`platforms_named`): a "my Facebook request" is not her
    Instagram one, and may be a friend request on Facebook, a question for the policy."""
    return request.platform in platforms or fold(request.platform_other) in platforms


# Asking to change a request, which is never edited once sent ("edit my request", "add photos to my request", "newid fy
# nghais", "ychwanegu at fy nghais"); not "beth mae hyn yn ei olygu i fy nghais?", "beth mae hynny'n golygu?" (what it
# means) nor "ydy fy nghais wedi newid?" (whether it has changed).
_CHANGE = re.compile(r"\b(change|changing|edit|editing|amend|amending|alter|altering|add|adding|ychwanegu|typos?|"
                     r"mistakes? (?:in|on) my|camgymeriad (?:yn|ar) fy|"
                     r"(?<!wedi )(?<!di )newid|"
                     r"(?<!\byn )(?<!\bn )golygu|(?<!n ei )olygu|diwygio|ddiwygio|cywiro|gywiro|addasu)\b")
PENDING_WORDS = frozenset(read_phrases("permission-pending.txt"))
# "approve", "decline P-7KQ2MX", "cymeradwyo": typed words never decide a request (who pressed and on which request is
# the card's to say); they are pointed to the buttons, never searched as a question.
DECIDING_WORDS = frozenset(read_phrases("permission-deciding.txt"))
# "decline the Instagram one", "Decline - we already have a school page": a decider's own words of a decision, read by
# the word they open with (`_decision_in_own_words`).
DECIDING_OPENERS = read_phrases("permission-deciding-openers.txt")
# What makes a message opening with such a word something to ask the policy: a friend request ("decline friend requests
# from pupils"), "approve of" (agree with).
_NOT_A_DECISION = re.compile(r"\b(friend\w*|ffrind\w*)\b|^\S+ of\b")
_REFERENCE = re.compile(r"\bp [a-z0-9]{6}\b")  # "P-7KQ2MX", as normalised
# A reference as typed, with its dash ("P-7KQ2MX", "p-7kq2mx"): "Mr P follow…" is none.
_TYPED_REFERENCE = re.compile(r"(?<![\w-])[Pp]-([A-HJ-NP-Za-hj-np-z2-9]{6})(?![\w-])")
# Why a waiting request's cards to its deciders are edited (in their messages' ids): every day asked for has passed.
DATES_ENDED = "dates-ended"
# School days a request may wait for a decision before whoever decides it is reminded, and she is told (the head away,
# with no delegate named, would otherwise leave it waiting in silence); as many again, and they are reminded a second
# and last time, and she is told so. Never more: a head back from a long absence is not met by a reminder a week for
# each request, and her My requests always says whom it waits for.
WAITING_REMINDER_SCHOOL_DAYS = 5
WAITING_REMINDERS = 2
# An owed row a turn of this instance wrote is left to that turn by the catch-up pass until the turn is done with it;
# one whose turn never said so (a fault between its save and its answer) is caught up after this long.
IN_HAND_AT_MOST = timedelta(minutes=2)
REGISTER_WORDS = frozenset(read_phrases("permission-register.txt"))
# "what has been decided?", "beth sy wedi'i benderfynu?": the decisions, not the policy's words on deciding.
DECIDED_WORDS = frozenset(read_phrases("permission-decided.txt"))
# "anything waiting for me?", "beth sy'n aros?": asking in one's own words what waits for one (`asks_what_waits`).
WAITING_WORDS = frozenset(read_phrases("permission-waiting-for-me.txt"))
_WAITING_WHEN = read_phrases("waiting-when.txt")
# Each command answered in Welsh when it is listed in Welsh only, whatever Teams is set to.
_IN_WELSH = listed_in_welsh("permission-form.txt", "permission-my-requests.txt", "permission-pending.txt",
                            "permission-register.txt", "permission-decided.txt", "permission-deciding.txt",
                            "permission-deciding-openers.txt", "permission-waiting-for-me.txt")
# "I need permission for a class Instagram" asks for the form; "Do I need permission to ...?" is a question. In Welsh
# too: "Dw i angen caniatâd i ...", "Dwi isio gofyn am ganiatâd ...", "Hoffwn i ofyn am ganiatâd ...", "Mae angen
# caniatâd arna i i ..." and "Mae arna i angen caniatâd ..." ask for it; "Oes angen caniatâd (arna i) i ...?" asks,
# and "Mae angen caniatâd i ..." (permission is needed to) says, what the policy requires. The English word in a Welsh
# sentence ("Dwi angen permission i …") is read as the Welsh one, as many type it.
_ON_ME_CY = r"(arna i|arnaf|arnon ni|arnom)"
# The English words as they are often typed in a hurry ("permision", "premission", "aproval").
_PERMISSION_EN = r"(permission|permision|permisson|premission|persmission|permssion|approval|aproval|approvel)"
_PERMISSION_CY = r"(caniatad|ganiatad|permission|permision|permisson|premission)"
# "I want" / "I need" in Welsh, north and south ("dwi isio", "dwi isie", "rwy'n moyn"): the words are a list.
_I_WANT_CY = rf"(dw i|dwi|rwy|rydw i|wi|fi)( n)? {one_of(read_phrases('permission-wanting.txt'))}"
_WANTS_FORM = re.compile(r"^(i|we)( (would|d))? (need|want|like|would like|d like)( to (get|ask|request))?"
                         rf"( for| the| some)? {_PERMISSION_EN}|^(request|requesting|apply|applying) (for )?"
                         rf"{_PERMISSION_EN}|^{_I_WANT_CY}"
                         rf"( gofyn( am)?| cael| gwneud cais am)? {_PERMISSION_CY}|"
                         rf"^hoffwn( i)?( ofyn( am)?| gael| wneud cais am)? (ganiatad|permission)|"
                         rf"^mae (angen {_PERMISSION_CY} {_ON_ME_CY}|{_ON_ME_CY} angen {_PERMISSION_CY})\b")

# An account for work wanted, without the word "permission": "I want a TikTok account for my class", "We'd like a PE
# Facebook page", "Dwi isio cyfrif TikTok i'r dosbarth", "Wi moyn tudalen Facebook i'r adran". Said to be for a class,
# school, department, club or year: one's own account ("I want an Instagram account", "Dwi isio cyfrif Instagram fy
# hun") needs no permission, and is a question for the policy.
_FOR_WORK_EN = r"(class|school|department|dept|pe|year|club|trip|team|subject|faculty|pupils|students|parents)"
_FOR_WORK_CY = (r"(dosbarth|ddosbarth|adran|ysgol|blwyddyn|flwyddyn|clwb|glwb|taith|daith|tim|dim|disgyblion|"
                r"ddisgyblion|rhieni|rieni|pwnc|bwnc)")
_WANTS_AN_ACCOUNT_EN = re.compile(
    r"^(i|we)( would| d)? (need|want|would like|d like)( to (set up|start|open|create|make|have|get))? (a|an)( new)?"
    rf"(?P<between>( \w+){{0,3}}?) ({_PLATFORM_NAMES})( account| page| channel| feed)?\b(?P<after>.*)$")
# "Hoffwn i greu tudalen Facebook i'r ysgol" (I'd like to create …), and "cychwyn", the north's "start", too.
_WANTS_AN_ACCOUNT_CY = re.compile(
    rf"^({_I_WANT_CY}|hoffwn( i)?)( cael| gael| creu| greu| agor| dechrau| ddechrau| cychwyn| gychwyn| sefydlu)? "
    r"(cyfrif|gyfrif|tudalen|dudalen|sianel|gwefan|"
    rf"wefan)( newydd)? ({_PLATFORM_NAMES})\b.*\b(i r|i|i n|ar gyfer|ar gyfer y|ar gyfer yr) {_FOR_WORK_CY}\b")


def _wants_an_account(said: str) -> bool:
    """Whether normalised words want an account for work (`_WANTS_AN_ACCOUNT_EN`, `_WANTS_AN_ACCOUNT_CY`)."""
    if _WANTS_AN_ACCOUNT_CY.search(said):
        return True
    wanted = _WANTS_AN_ACCOUNT_EN.search(said)
    return wanted is not None and bool(
        re.search(rf"\b{_FOR_WORK_EN}\b", wanted.group("between"))
        or re.match(rf"( \w+)?( \w+)? for (the |my |our |a )?(\w+ )?{_FOR_WORK_EN}\b", wanted.group("after")))


# Asking permission for someone else: a request is whoever sends it (identity comes from the activity), so the form
# says so, and that a colleague who will run the account asks for themselves. "On behalf of Dewi" / "ar ran Dewi"; "for
# Dewi to run the PE Twitter" / "i Dewi redeg Twitter AG"; "for Owain's class blog"; and the phrases in the list.
_FOR_A_COLLEAGUE = frozenset(read_phrases("permission-for-a-colleague.txt"))
_ASKS_PERMISSION = re.compile(r"\b(permission|approval|request|requesting|caniatad|ganiatad|cais|nghais)\b")
# Who a request is for when it is not a colleague ("for the class to use", "for pupils to see", "i r adran gael").
_NOT_A_COLLEAGUE = ("me|us|myself|ourselves|my|our|the|a|an|this|that|it|its|their|them|either|both|any|each|all|"
                    "everyone|people|pupil|pupils|student|students|child|children|kids|parent|parents|families|year|"
                    "class|school|department|dept|staff|permission|approval|i|mi|fi|ni|chi|r|y|yr|ein|fy|disgybl|"
                    "ddisgybl|disgyblion|ddisgyblion|plentyn|blentyn|plant|blant|rhiant|riant|rhieni|rieni|dosbarth|"
                    "ddosbarth|flwyddyn|blwyddyn|ysgol|adran|caniatad|ganiatad")
_NAMED_FOR = re.compile(
    rf"\b(?:permission|approval|ask|asking|request|requesting)\b(?: \w+){{0,3}}? for (?!(?:{_NOT_A_COLLEAGUE})\b)"
    r"\w+(?: \w+)? to (?:run|use|set|start|manage|post|open|create|have|make|film|stream|livestream|tweet|blog|share|"
    r"moderate|look)\b"
    rf"|\b(?:permission|approval) for (?!(?:{_NOT_A_COLLEAGUE})\b)\w+ s\b"
    rf"|\b(?:caniatad|ganiatad|gofyn|ofyn|cais)\b(?: \w+){{0,3}}? i (?!(?:{_NOT_A_COLLEAGUE})\b)\w+(?: \w+)? "
    r"(?:gael|redeg|ddefnyddio|sefydlu|greu|ddechrau|bostio|reoli|agor|gymedroli|rannu|ffilmio|drydar|flogio)\b")
# "On behalf of" someone, which only asking permission makes a request for them ("can I post on behalf of Dewi?" is
# the policy's).
_ON_BEHALF = re.compile(rf"\b(?:on behalf of|ar ran) (?!(?:{_NOT_A_COLLEAGUE})\b)\w+"
                        rf"|\b{one_of(tuple(sorted(_FOR_A_COLLEAGUE, key=len, reverse=True)))}\b")


def asks_for_a_colleague(said: str) -> bool:
    """Whether normalised words ask the headteacher's permission for someone else: "can i ask for dewi to run the pe
    twitter", "i need permission for owain s class blog", "ga i ofyn am ganiatad ar ran dewi"; not "on behalf of the
    school", "permission for my class", "ask for a colleague s advice" (no permission asked)."""
    said = " ".join(said.split())
    return bool(_NAMED_FOR.search(said) or (_ASKS_PERMISSION.search(said) and _ON_BEHALF.search(said)))


class RequestForm(CardData):
    """`permission.submit`: the form's token (forms posted before tokens send none), its language (forms posted before
    it send none), `replaces` (added later, on "Send in place of …" only: her waiting request this form is sent in
    place of), `anyway` (added later, `yes` on the Send of a form told that the policy does not name its platform:
    she still wants the headteacher to decide) and its inputs (choices and dates as Teams sends them, as text)."""

    form: Text = ""
    lang: Text = ""
    replaces: Text = ""
    anyway: Text = ""
    school: Text = ""
    platform: Text = ""
    platform_other: Text = ""
    account_kind: Text = ""
    existing_account: Text = ""
    purpose: Text = ""
    audience: Text = ""
    pupil_content: Text = ""
    consent: Text = ""
    moderator: Text = ""
    moderation: Text = ""
    start: Text = ""
    end: Text = ""
    ongoing: Text = ""
    confirm: Text = ""


class RequestClick(ShownIn):
    """`permission.withdraw`, `permission.open`: the request's id; `from` is "list" when clicked on a list, and "open"
    on a decision card opened from the pending list (not the card the request came in); and the card's language."""

    id: Text = ""
    from_: Text = Field(default="", alias="from")


class DecisionClick(RequestClick):
    """`permission.approve`, `permission.decline`: the reason or comment is `reason` on the headteacher's card,
    and `reason_<id>` on the pending list (one box per request); the box of the clicked request wins. On a pending
    list card that does not begin at the top, `after` and `start` say where it begins (as its Show more did), and the
    list the decision answers with begins there too (both optional: cards sent before them answer from the top)."""

    reason: Text = ""
    after: Text = ""
    start: Text = ""
    # Read by the server from the list's boxes (`reason_<id>`), never sent by a card: what each box held, so a refused
    # decision shows the list again with what was typed.
    typed_on_list: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _box_on_the_list(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "typed_on_list" in data:  # the server's, never a card's: one sent with a card is forged or broken
            raise ValueError("typed_on_list is read from the list's boxes")
        typed = {key: value for key, value in data.items() if isinstance(key, str) and key.startswith("reason_")
                 and isinstance(value, str) and value.strip()}
        if typed:
            data = {**data, "typed_on_list": typed}
        if isinstance(data.get("id"), str) and cards.note_input_id(data["id"]) in data:
            return {**data, "reason": data[cards.note_input_id(data["id"])]}
        return data


class EndClick(DecisionClick):
    """`permission.end`: the request's id and the card's language; `from`: "register" on Official accounts, "list" on
    My requests, "open" on a decider's copy opened from a list, none on the request's own card (the requester's status
    card, a decider's card); the reason in the decider's box (`reason`, or `reason_<id>` on Official accounts); and on
    an Official accounts card that does not begin at the top, where it begins (`after`, `start`), as Show more sends."""


_X = re.compile(r"\b(on|an|a|the|our|my) x\b|\bx (account|page|feed)\b")
# Hwb and Microsoft Teams, which need no permission (`needs_no_permission`); "teams" alone only where it names the app
# ("use Teams", "ar Teams"), not "our sports teams".
_HWB = re.compile(r"\bhwb\b")
_TEAMS = re.compile(r"\b(?:microsoft|ms) teams\b|\bmsteams\b|\b(?:use|using|on|via|through|ddefnyddio|defnyddio|ar|"
                    r"trwy|drwy) teams\b")
_NEW = re.compile(rf"\b{one_of(read_phrases('form-new-account.txt'))}\b")
_EXISTING = re.compile(rf"\b{one_of(read_phrases('form-existing-account.txt'))}\b")


def guess_request(text: str) -> dict[str, str]:
    """The form's values that the words say plainly: the platform, and a new or existing account. Nothing is
    guessed that the words do not name; the person checks every field before sending."""
    said = normalise(text).replace("tik tok", "tiktok").replace("you tube", "youtube").replace("class dojo",
                                                                                               "classdojo")
    found = [_PLATFORM_WORDS[w] for w in said.split() if w in _PLATFORM_WORDS]
    others = [_OTHER_PLATFORMS[w] for w in said.split() if w in _OTHER_PLATFORMS]
    if _X.search(said):
        found.append("x")
    allowed = [name for name, named in (("Hwb", _HWB), ("Microsoft Teams", _TEAMS)) if named.search(said)]
    values: dict[str, str] = {}
    if len(set(found)) == 1 and not others:
        values["platform"] = found[0]
    elif len(set(others)) == 1 and not found:
        values.update(platform="other", platform_other=others[0])
    elif allowed and not found and not others:  # the form then says they need no permission
        values.update(platform="other", platform_other=" / ".join(allowed))
    existing, new = _EXISTING.search(said), _NEW.search(said)
    # An account's web address ("https://www.instagram.com/llanidloes_pe") is the existing account she means.
    accounts = [word for word in text.split() if platform_at(word)[1]]
    if len(accounts) == 1 and not new and len(accounts[0]) <= LIMITS["existing_account"]:
        values.update(account_kind="existing", existing_account=accounts[0])
    elif existing and not new:
        values["account_kind"] = "existing"
    elif new and not existing:
        values["account_kind"] = "new"
    return values


def _made_by(request: PermissionRequest, person: Person, state: RequestState) -> bool:
    """Whether the request is in `state` by this person's change (not by someone else's that came first)."""
    by = request.ended_by_id if state is RequestState.ENDED else request.decided_by_id
    return request.state is state and by == person.aad_object_id


class PermissionFlow:
    """Requests for permission, decisions, withdrawals and the lists around them; all of it names a request or
    a person, so it is shown only in the person's 1:1 chat."""

    def __init__(self, *, strings: Catalogue, federation: Federation, requests: PermissionRequests,
                 notifier: Notifier, profiles: UserProfiles, directory: StaffDirectory, limiter: RateLimiter,
                 request_limit: int, policy_question: Handler | None = None,
                 questions_for_review: Handler | None = None,
                 reports_held: Callable[[Turn], Awaitable[Card | None]] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._federation = federation
        self._deciders_names = deciders_names(federation)  # "Did Siân say yes to my request?"
        self._directory = directory
        self._requests = requests
        self._notifier = notifier
        self._profiles = profiles
        self._limiter = limiter
        self._request_limit = Limit("requests", request_limit)  # requests one person sends the headteacher
        self._clock = clock
        self._policy_question = policy_question  # for "my request" from someone who has never sent one
        self._questions_for_review = questions_for_review  # below what waits, for whoever sees them
        self._reports_held = reports_held  # the concern reports waiting for this person, if they hold any
        self._private = PrivateChat(strings=strings, notifier=notifier, profiles=profiles, clock=clock)
        self._lists_mended = False  # by this instance's first catch-up pass
        self._replacements_mended = False  # likewise: until when a wider approval replaces one, on rows without it
        self._deciders_followed = False  # likewise: waiting requests sent to whoever decides them under its settings
        self._dates_ended_shown: set[str] = set()  # requests whose edit this instance has queued (saves re-queuing)
        # Requests whose reminders this instance has queued, and how many (the same).
        self._waiting_reminded: dict[str, int] = {}
        # Owed rows (request id, state) a turn of this instance has written and is queueing the messages of itself,
        # each with when it began: the catch-up pass leaves them to it (`_in_hand`).
        self._turns_owing: dict[tuple[str, RequestState], list[datetime]] = {}

    def verbs(self) -> Mapping[str, Verb]:
        """Every verb of the permission cards."""
        def only(handler: Handler) -> Handler:
            return in_the_cards_language(self._private.only(handler))

        # A click on a request reads it first (`_load`): the edge starts that read with the clicker's profile's.
        return {VERB_PERMISSION_FORM: Verb(only(opens(self.form)), ShownIn),
                cards.VERB_SUBMIT: Verb(only(self.submit), RequestForm),
                cards.VERB_APPROVE: Verb(only(self.approve), DecisionClick, self._named),
                cards.VERB_DECLINE: Verb(only(self.decline), DecisionClick, self._named),
                cards.VERB_WITHDRAW: Verb(only(self.withdraw), RequestClick, self._named),
                cards.VERB_END: Verb(only(self.end), EndClick, self._named),
                cards.VERB_OPEN: Verb(only(opens(self.open)), RequestClick, self._named),
                VERB_MY_REQUESTS: Verb(only(opens(self.mine)), ListClick),
                VERB_PENDING: Verb(only(opens(self.pending)), ListClick),
                cards.VERB_REGISTER: Verb(only(opens(self.register)), ListClick)}

    def match_text(self, turn: Turn) -> Handler | None:
        """Commands, plain requests for the form, and questions about the person's own requests, answered in the
        language of the words typed; questions about permission (or a friend request) are left to the policy."""
        said = normalise(turn.text)
        if typed := self._typed(said):
            handler, command = typed
            return self._in_private(handler, listed_in_welsh=command in _IN_WELSH)
        if waiting := asks_what_waits(said):
            return self._in_private(self.waiting_for_me, listed_in_welsh=waiting in _IN_WELSH)
        if deciding := said_only(" ".join(_REFERENCE.sub(" ", said).split()), DECIDING_WORDS):
            return self._in_private(self.decided_by_typing, listed_in_welsh=deciding in _IN_WELSH)
        if self._federation.schools_decided_by(turn.actor) and (opener := _decision_in_own_words(said, turn.text)):
            return self._in_private(self.decided_by_typing, listed_in_welsh=opener in _IN_WELSH)
        if len(referenced := {found.upper() for found in _TYPED_REFERENCE.findall(turn.text)}) == 1:
            return self._in_private(partial(self._typed_reference, "P-" + referenced.pop()))
        if asks_for_a_colleague(said) and not asks_about_own_request(said):
            return self._in_private(self.form)
        said = deciders_named(said, self._deciders_names, written=turn.text)
        if asks_about_own_request(said):
            return self._or_the_policy(self._in_private(self.how_to_change if _CHANGE.search(said) else self.mine),
                                       platforms=platforms_named(said))
        if platforms := accounts_asked_about(said):
            return self._or_the_policy(self._in_private(self.mine), platforms=platforms)
        return None

    def _in_private(self, handler: Handler, *, listed_in_welsh: bool = False) -> Handler:
        """Typed words answered in their language (Welsh for a command listed in Welsh), in the person's 1:1 chat."""
        return in_the_listed_language(self._private.only(handler), listed_in_welsh=listed_in_welsh)

    def _or_the_policy(self, handler: Handler, *, platforms: frozenset[str] = frozenset()) -> Handler:
        """Someone who has never sent a request is not asking about one of theirs ("a parent declined my request"), nor
        is someone naming a platform she never asked for ("a parent declined my Facebook request"): the policy answers,
        where it was asked."""
        async def answering(turn: Turn) -> Reply:
            if self._policy_question is not None:
                own = await self._requests.list_by_requester(turn.actor)
                if not own or (platforms and not any(_on_a_platform_named(r, platforms) for r in own)):
                    return await self._policy_question(turn)
            return await handler(turn)

        return answering

    def _typed(self, said: str) -> tuple[Handler, str] | None:
        """A command as the whole message, courtesy words taken off ("fy ngheisiadau plis"), with the phrase it is."""
        if any(_WANTS_FORM.search(core) or _wants_an_account(core) for core in without_courtesy(said)):
            return self.form, said
        for commands, handler in ((FORM_WORDS, self.form), (MINE_WORDS, self.mine), (PENDING_WORDS, self.pending),
                                  (REGISTER_WORDS, self.register), (DECIDED_WORDS, self.decided)):
            if command := said_only(said, commands):
                return handler, command
        return None

    # Helpers

    def _school(self, school_id: str) -> School | None:
        try:
            return self._federation.school(school_id)
        except KeyError:
            return None

    def _school_name(self, school_id: str, lang: Lang) -> str:
        school = self._school(school_id)
        return school.name(lang) if school else school_id

    def _schools(self, lang: Lang) -> list[tuple[str, str]]:
        return [(s.school_id, s.name(lang)) for s in self._federation.schools]

    def _deciders(self, school: School, requester: Person) -> list[Person]:
        """Whoever decides this person's requests at the school under today's settings (never the requester)."""
        return [Person(requester.tenant_id, c.aad_object_id, c.name)
                for c in self._federation.deciders_for(school, requester)]

    async def _named(self, data: Mapping[str, Any]) -> PermissionRequest:
        """The request a click's data names, as stored (no check of who may see it: `_load` makes those)."""
        request_id = data.get("id")
        if not is_request_id(request_id):
            raise RecordNotFound("no request id")
        return await self._requests.get(str(request_id))

    async def _load(self, turn: Turn) -> PermissionRequest:
        """The request the click names, if the clicker's tenant's: as the edge read it while it read the clicker's
        profile (`Turn.ahead`), else read now."""
        read = await turn.ahead if turn.ahead is not None else None
        if isinstance(read, PermissionRequest) and read.request_id == turn.data.get("id"):
            request = read
        else:  # no read ahead, or one of other data than this turn's
            request = await self._named(turn.data)
        if request.requester.tenant_id != turn.actor.tenant_id:
            raise RecordNotFound("another tenant's request")
        return request

    def _audit(self, request: PermissionRequest, action: str, person: Person, detail: str = "") -> AuditEntry:
        return AuditEntry(request.request_id, action, person.aad_object_id, person.name, self._clock(), detail)

    async def _tell_deciders(self, request: PermissionRequest, *, shown_to: Person | None = None,
                             again: bool = False, because: str = "", automatic: bool = False) -> None:
        """Send (or update in place) the copy of each person who decides the request today; never to the requester,
        nor to `shown_to`, whose copy the click's answer has already replaced. `again`: under ids of their own, so
        copies queued (or sent) already do not stop these. `because`: a waiting request's copies edited in place for
        that reason (e.g. `DATES_ENDED`), under ids of their own, once each. `automatic`: sent by no one's press (a
        restart bringing waiting requests to whoever decides them today): they wait for the school's hours."""
        school = self._school(request.school_id)
        if school is None:
            return
        people = [p for p in self._deciders(school, request.requester)
                  if shown_to is None or p.aad_object_id != shown_to.aad_object_id]
        # Each one's language and time zone, from the one read of their profile (a head abroad reads "UK time").
        readings = await asyncio.gather(*(preferred_reading(self._profiles, person) for person in people))
        after = "|again" if again else ""
        messages = [OutboundMessage(
            recipient=person, message_id=_copy_id(request.request_id, request.state, person, because) + after,
            card=cards.approver_card(self._strings, lang, request, school=school.name(lang),
                                     today=uk_today(self._clock()), zone=zone),
            card_key=f"{request.request_id}|decide", created_at=self._clock(),
            # A new request's card: nobody has a copy of it yet (a decision on it replaces this one). An edit of a
            # waiting request's card is no first post: it goes in place of the copy they have.
            first_post=request.state is RequestState.PENDING and not because,
            # What a lock screen shows: that a request waits, never who asks or what for.
            preview=self._strings.text("notify.permission_request" if request.state is RequestState.PENDING
                                       else "notify.permission_news", lang))
            for person, (lang, zone) in zip(people, readings, strict=True)]
        if request.state is not RequestState.PENDING or because:
            # The copy each of them last opened from the pending list, where one was kept: edited alike, never posted.
            messages += [OutboundMessage(
                recipient=person,
                message_id=_copy_id(request.request_id, request.state, person, because) + after + "|opened",
                card=cards.approver_card(self._strings, lang, request, school=school.name(lang),
                                         today=uk_today(self._clock()), opened=True, zone=zone),
                card_key=_opened_key(request.request_id), created_at=self._clock(), update_only=True)
                for person, (lang, zone) in zip(people, readings, strict=True)]
        # A new request's card, or its withdrawal (sent again in place or not), is the member of staff's own press, but
        # reaches people who pressed nothing: outside school hours it waits for them, as an automatic message does (her
        # status card says when). A decider's decision, on her own press, goes at once.
        hers = (request.state is RequestState.PENDING and not because) or request.state is RequestState.WITHDRAWN
        calendar = self._federation.calendar_for([request.school_id])
        if (automatic or hers) and self._held_until(request, self._clock()) is None:
            # Its last day comes before school hours start: kept for them, it could only be declined.
            automatic = hers = False
        if request.state is RequestState.WITHDRAWN and not because and calendar.in_school_hours(self._clock()) > (
                self._clock()):
            # Outside school hours, her request's card may still be kept for them: taken back, nothing is sent.
            unseen = await self._taken_back_unseen(request, people)
            messages = [m for m in messages if m.update_only or m.recipient.aad_object_id not in unseen]
        if messages and (automatic or hers):
            messages = in_school_hours(messages, calendar, self._clock())
        if messages:
            await self._notifier.notify(messages)

    async def _taken_back_unseen(self, request: PermissionRequest, people: Sequence[Person]) -> set[str]:
        """Of `people`, those whose card of the waiting request is taken back here unsent (kept for school hours, or
        never queued to them): they never saw it, so its withdrawal is no news to them and nothing goes to them; the
        record keeps it. One sent already, or with a sender, is told as before. A copy opened from the pending list is
        edited in place all the same (`update_only`)."""
        gone = await asyncio.gather(*(self._notifier.take_back([
            OutboundMessage(recipient=person, card={},
                            message_id=_copy_id(request.request_id, RequestState.PENDING, person) + again)
            for again in ("", "|again")]) for person in people))
        return {person.aad_object_id for person, taken in zip(people, gone, strict=True) if taken}

    async def _tell_deciders_it_waits(self, request: PermissionRequest, *, because: str = "",
                                      automatic: bool = False) -> None:
        """A waiting request's card to whoever decides it (`because`: see `_tell_deciders`). If it was decided (or
        withdrawn) since it was read, the copies saying so may have been queued before this card, which would then
        come last and offer a decision: they are queued again, after it. `automatic`: see `_tell_deciders`."""
        await self._tell_deciders(request, because=because, automatic=automatic)
        try:
            now = await self._requests.get(request.request_id)
        except StorageUnavailable:  # rare on rare: a card clicked after a decision shows the decision
            log.warning("request %s: not read again after its card was queued", request.request_id)
            return
        if now.state is not RequestState.PENDING:
            await self._tell_deciders(now, again=True, because=because, automatic=automatic)

    async def _recall_from_former_deciders(self, request: PermissionRequest) -> None:
        """Copies of the request's card not yet delivered to someone who no longer decides it (the settings named
        another head since) never reach them: they would show the request, and buttons they may not use."""
        school = self._school(request.school_id)
        keep = self._deciders(school, request.requester) if school else []
        await self._notifier.recall(f"{request.request_id}|decide", keep=keep)
        for last in (False, True)[:self._reminders_due(request, self._clock())]:
            # A waiting reminder kept for school hours too (its card asks them to decide it).
            await self._notifier.recall(_reminder_key(request.request_id, last=last), keep=keep)

    async def _take_back_dates_ended(self, request: PermissionRequest, shown_to: Person | None) -> None:
        """The edit saying the dates have ended, still queued for `shown_to` (Teams refused it, say), whose card the
        click's answer has replaced with the decision: sent after it, it would put the waiting request back there.
        There is none to look for while a day asked for is still ahead."""
        school = self._school(request.school_id)
        if shown_to is None or school is None or not request.dates_ended_by(uk_today(self._clock())):
            return
        await self._notifier.take_back([
            OutboundMessage(recipient=person, card={},
                            message_id=_copy_id(request.request_id, RequestState.PENDING, person, DATES_ENDED))
            for person in self._deciders(school, request.requester)
            if person.aad_object_id == shown_to.aad_object_id])

    async def _reachable(self, person: Person) -> bool:
        try:
            return bool((await self._profiles.recent_profile(person)).conversation_ref)
        except RecordNotFound:
            return False

    # Asking

    async def form(self, turn: Turn) -> Reply:
        """The request form, filled in with what is already known: the person's school (from the staff list), and
        the platform and kind of account their words name ("I need permission for a class Instagram"). Someone the
        staff list says is not staff is told at once what Send would tell them, not after filling it in."""
        staff = read_once(self._directory.list_members)
        if await not_staff(self._federation, turn.actor, staff):
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_on_staff_list_form",
                                         federation=self._federation.name(turn.lang)))
        values = guess_request(turn.text) if turn.text and not turn.verb else {}
        school = await self._own_school(turn.actor, staff)
        if school:
            values["school"] = school
        other = values.get("platform_other", "") if values.get("platform") == "other" else ""
        typed = normalise(turn.text) if turn.text and not turn.verb else ""
        not_named = bool(other) and not_named_by_policy(other)
        notices = [self._strings.text(key, turn.lang, platform=other) for key, said in (
            ("perm.for_a_colleague", asks_for_a_colleague(typed)),
            ("perm.error.platform_allowed", bool(other) and needs_no_permission(other)),
            ("perm.not_named_by_policy", not_named)) if said]
        # Told here that the policy does not name the tool, and that Send sends it: its Send does (`anyway`).
        return Reply(card=self._form_card(turn, values=values, form=new_form_token(), notice="\n\n".join(notices),
                                          anyway=not_named))

    def _form_card(self, turn: Turn, **shown: Any) -> Card:
        """The request form in the person's language, its date pickers starting today; a form she chose to send though
        the policy does not name its platform goes on saying so on its Send."""
        shown.setdefault("anyway", turn.data.get("anyway") == "yes")
        return cards.form_card(self._strings, turn.lang, schools=self._schools(turn.lang),
                               today=uk_today(self._clock()), **shown)

    async def _own_school(self, person: Person, staff: StaffList) -> str:
        """The person's school by the staff list (or the only school), "" when unknown; never in the way."""
        if len(self._federation.schools) == 1:
            return self._federation.schools[0].school_id
        try:
            member = member_for(await staff(), person)
        except StorageUnavailable:
            return ""
        known = {s.school_id for s in self._federation.schools}
        return member.school if member is not None and member.school in known else ""

    async def submit(self, turn: Turn) -> Reply:
        """Validate on the server; store, audit, tell the approver, and show the status card. Every press of one form's
        Send names the same request (by the form's token), so a second press shows the request the first made. A
        guest from another organisation, or someone in the tenant who is not on the staff list (a pupil in Hwb), is
        told, below the form as they left it, and nothing is stored or sent."""
        staff = read_once(self._directory.list_members)
        if refused := await refused_as(turn, self._federation, staff):
            return Reply(card=error_card(self._strings, turn.lang, f"perm.{refused}",
                                         federation=self._federation.name(turn.lang)), new_message=True)
        turn = replace(turn, actor=await named_from_the_staff_list(turn.actor, staff))
        for _ in range(SENT_MEANWHILE_TRIES):
            try:
                return await self._submitted(turn)
            except SentMeanwhile:
                # Another of her forms for the same account was stored first (laptop and phone at once, on two
                # instances): this one is answered as if sent after it.
                continue
        raise StorageUnavailable("requests kept being sent at the same moment")

    async def _submitted(self, turn: Turn) -> Reply:
        """`submit`, for one reading of her requests; `SentMeanwhile` when another form of hers took the new request's
        id first."""
        now = self._clock()
        given = turn.data.get("form") if is_form_token(turn.data.get("form")) else ""
        form = str(given) or new_form_token()  # a form posted before tokens gets one, for its next Send
        mine = await self._requests.list_by_requester(turn.actor)
        # Send pressed again on a form whose request is stored (its Send pressed before, whatever was sent since) shows
        # that request and costs no use: the limiter knows only the use it counted last.
        if given and (sent := _sent_on(form, turn.actor, mine)) is not None:
            return self._status_reply(sent, turn.lang, turn.time_zone)
        result = read_form(turn.data, federation=self._federation, requester=turn.actor, today=uk_today(now),
                           now=now, request_id=form_request_id(turn.actor, form), lang=turn.lang)
        if result.request is None:
            return Reply(card=self._form_card(turn,
                                              values=turn.data, errors=result.errors, form=form))
        if (result.request.platform == "other" and not_named_by_policy(result.request.platform_other)
                and turn.data.get("anyway") != "yes"):
            # Said honestly before it goes: the policy does not name it. A second press sends it all the same.
            return Reply(card=self._form_card(turn, values=turn.data, form=form, anyway=True, notice=self._strings.text(
                "perm.not_named_by_policy", turn.lang, platform=result.request.platform_other)))
        school = self._federation.school(result.request.school_id)
        deciders = self._deciders(school, turn.actor)
        if not deciders:  # a headteacher's own, with nobody named to decide it: stored, it would wait for ever
            return Reply(card=self._form_card(turn,
                                              values=turn.data, form=form, notice=self._strings.text(
                                                  "perm.nobody_decides_own", turn.lang, school=school.name(turn.lang))))
        # Its id follows from the account and her last request for it, so two forms sent at once name one record.
        asked = replace(result.request, request_id=account_request_id(result.request, mine), form=form)
        asked, replacing = replace(asked, alongside=waiting_beside(asked, mine)), None
        if (earlier := asked_already(asked, mine)) is not None:
            # Two cards of one request would be two decisions to make, and two approvals of one account: what a form
            # adds to a waiting request is sent in its place, when she presses "Send in place of …".
            changed = changes_from(earlier, asked) if earlier.state is RequestState.PENDING else ()
            if not changed or turn.data.get("replaces") != earlier.request_id:
                in_turn = covered_by(asked, mine) if earlier.state is RequestState.APPROVED else []
                until = stands_until(earlier, asked.start) if len(in_turn) > 1 else None
                return Reply(card=self._form_card(turn, values=turn.data, form=form,
                                                  notice=self._already_asked(earlier, turn.lang, changed=changed,
                                                                             then=in_turn[1:], until=until,
                                                                             zone=turn.time_zone),
                                                  replaces=earlier.request_id if changed else ""))
            asked, replacing = replace(asked, replaces=earlier.request_id, changed=changed), earlier
        elif (in_place_of := next((r for r in mine if r.replaced_by == asked.request_id), None)) is not None:
            # Withdrawn in its place by an earlier press of this form's Send, which then could not store this one.
            asked = replace(asked, replaces=in_place_of.request_id, changed=changes_from(in_place_of, asked))
        elif (named := _named_to_replace(turn.data, mine)) is not None and named.state is not RequestState.PENDING:
            # Decided, or withdrawn by hand, since "Send in place of …" was offered: she reads what happened to it
            # before sending this as a request of its own.
            return Reply(card=self._form_card(turn, values=turn.data, form=form,
                                              notice=self._not_replaced(named, turn.lang)))
        if not asked.replaces and (approved := approved_in_force(asked, mine, uk_today(now))) is not None:
            # More asked of an account approved already: whoever decides it sees which approval, and what is more.
            asked = replace(asked, approved_before=approved.request_id, changed=changes_from(approved, asked))
        elif not asked.replaces and (declined := last_declined(asked, mine)) is not None:
            # Asked again after a decline: whoever decides it sees that, and what the form changed since.
            asked = replace(asked, declined_before=declined.request_id, changed=changes_from(declined, asked))
        if asked.account_kind == "existing":
            asked = await self._with_colleagues_approval(asked, uk_today(now))
        return await self._send(turn, asked, deciders, form=form, given=bool(given), now=now, replacing=replacing)

    async def _with_colleagues_approval(self, asked: PermissionRequest, today: date) -> PermissionRequest:
        """`asked`, an existing account's request, naming another member of staff's approval in force of that account
        (`colleague_approved`), for whoever decides it to see; as it was when storage cannot say (it still goes)."""
        try:
            every = await self._requests.list_all()
        except StorageUnavailable:
            log.warning("request %s: not checked against colleagues' approvals", asked.request_id)
            return asked
        colleagues = approved_for_a_colleague(asked, every, today)
        return replace(asked, colleague_approved=colleagues.request_id) if colleagues is not None else asked

    async def _send(self, turn: Turn, asked: PermissionRequest, deciders: list[Person], *, form: str, given: bool,
                    now: datetime, replacing: PermissionRequest | None = None) -> Reply:
        """The request stored and sent, once the day's limit allows it; `replacing`: her waiting request it is sent in
        place of, withdrawn first (so the head never has both to decide)."""
        try:
            # Every press of this form's Send is one use, whichever stores it: a second press (the laptop's and the
            # phone's at once) is not refused by the use the first took.
            await self._limiter.take(self._request_limit, turn.actor.key, now,
                                     use=form_request_id(turn.actor, form) if given else "")
        except RateLimited as limited:
            sent = _sent_on(form, turn.actor, await self._requests.list_by_requester(turn.actor)) if given else None
            if sent is not None:
                return self._status_reply(sent, turn.lang, turn.time_zone)
            return Reply(card=self._form_card(turn,
                                              values=turn.data, form=form, notice=self._strings.text(
                                                  "perm.rate_limited", turn.lang, count=limited.limit.count,
                                                  when=when_read(self._strings, turn.lang, limited.until,
                                                                 turn.time_zone)), replaces=asked.replaces))
        afterwards: Afterwards | None = None
        if replacing is not None:
            withdrawn = await self._withdrawn_in_place(replacing, asked, turn)
            if isinstance(withdrawn, Reply):
                await self._give_back(turn.actor, now)
                return withdrawn
            afterwards = withdrawn
        # The request's owed row is this turn's to work through (`_in_hand`), from its write until its cards are queued.
        self._hold(asked.request_id, RequestState.PENDING)
        try:
            reply = await self._store_and_tell(turn, asked, deciders, form=form, now=now)
        except (DomainError, SentMeanwhile):
            if afterwards is not None:
                await afterwards()  # the withdrawal's tidying, which no answer will now run
            raise
        finally:
            self._let_go(asked.request_id, RequestState.PENDING)
        if afterwards is not None:
            reply.afterwards = afterwards
        return reply

    async def _withdrawn_in_place(self, waiting: PermissionRequest, asked: PermissionRequest, turn: Turn
                                  ) -> Afterwards | None | Reply:
        """Her waiting request withdrawn for `asked` to be sent in its place, its messages queued (its card to the head
        edited to say it was withdrawn and sent again), and what keeps the records tidy after the answer (none when an
        earlier press of this Send withdrew it); or the form again, saying why nothing was sent (the head decided it
        first, or storage could not say whether it was withdrawn)."""
        try:
            withdrawn = withdraw(waiting, turn.actor, self._clock(), replaced_by=asked.request_id)
            saved = await self._requests.save(withdrawn, self._audit(
                withdrawn, WITHDRAWN, turn.actor, f"sent again with changes as {asked.request_id}"))
        except (AlreadySettled, ConcurrentChange):
            saved = await self._requests.get(waiting.request_id)
            if saved.state is RequestState.PENDING:  # changed, but still waiting: this press may try again
                raise StorageUnavailable("the request changed while it was withdrawn") from None
            if saved.replaced_by != asked.request_id:
                return self._form_reply(turn, self._not_replaced(saved, turn.lang), replaces="")
            return None  # another press of this Send withdrew it
        except StorageUnavailable:
            stored = await self._after_a_late_save(waiting.request_id)
            if stored is None:
                return self._form_reply(turn, self._strings.text("error.storage_unsure", turn.lang),
                                        replaces=waiting.request_id)
            if stored.replaced_by != asked.request_id:
                return self._form_reply(turn, self._not_replaced(stored, turn.lang), replaces="")
            saved = stored
        return await self._after_settled(saved, requester_reads=(turn.lang, turn.time_zone))

    def _form_reply(self, turn: Turn, notice: str, *, replaces: str) -> Reply:
        """The form as she sent it, saying why it was not sent."""
        form = str(turn.data.get("form")) if is_form_token(turn.data.get("form")) else new_form_token()
        return Reply(card=self._form_card(turn, values=turn.data, form=form, notice=notice, replaces=replaces))

    def _not_replaced(self, earlier: PermissionRequest, lang: Lang) -> str:
        """Why "Send in place of …" sent nothing: the request it named was decided or withdrawn first."""
        return f"{self._settled_notice(earlier, lang)} " + self._strings.text("perm.replaced_settled", lang,
                                                                             id=earlier.request_id)

    async def _store_and_tell(self, turn: Turn, asked: PermissionRequest, deciders: list[Person], *, form: str,
                              now: datetime) -> Reply:
        """The new request stored, its cards to whoever decides it queued, and the requester's status card."""
        try:
            request, stored_now = await self._create(asked, turn.actor)
        except StorageUnavailable:
            # A write that timed out may still have been made, and `catch_up` would take it to the head: only a
            # request read back is called sent, and none is ever called unsent.
            request_id = asked.request_id
            stored = await stored_after_all(lambda: self._own(request_id, turn.actor))
            if stored is None:
                await self._give_back(turn.actor, now)
                return Reply(card=self._form_card(turn,
                                                  values=turn.data, form=form, notice=self._strings.text(
                                                      "perm.maybe_saved", turn.lang, name=deciders[0].name)))
            request, stored_now = stored, True
        except DomainError:
            await self._give_back(turn.actor, now)  # nothing was stored: the use does not count
            raise
        if not stored_now and request.form not in ("", form):
            await self._give_back(turn.actor, now)  # another form of hers stored its request first, on its own use
            raise SentMeanwhile(request.request_id)
        if not stored_now:  # another press of this Send stored it, on the use they share
            return self._status_reply(request, turn.lang, turn.time_zone)
        undelivered = not_queued = False
        try:
            undelivered = await self._queue_for_deciders(request, turn.actor, deciders=deciders)
        except StorageUnavailable:
            # The request is stored (and on the head's pending list); its card to them is still owed, and
            # `catch_up` queues it once storage answers again.
            not_queued = True
        status = self._status_card(request, turn.lang, undelivered=undelivered, not_queued=not_queued,
                                   zone=turn.time_zone)
        return Reply(card=status, card_key=f"{request.request_id}|status")

    def _already_asked(self, earlier: PermissionRequest, lang: Lang, *, changed: tuple[str, ...] = (),
                       then: Sequence[PermissionRequest] = (), until: date | None = None, zone: str = "") -> str:
        """Why a form repeating an earlier request (waiting, or approved for its dates) was not sent; `changed`: what
        it asks of a waiting one's account that the waiting one does not, which "Send in place of …" sends; `then`:
        the approvals that cover its days after `earlier`'s last, `until` (`covered_by`). Its times are UK time, said
        so to a reader whose clocks (`zone`) show another hour."""
        def at(moment: datetime | None) -> str:
            return when_read(self._strings, lang, moment, zone)

        if changed:
            return self._strings.text("perm.asked_already_waiting_changed", lang, id=earlier.request_id,
                                      when=at(earlier.submitted_at))
        if earlier.state is RequestState.PENDING:
            return self._strings.text("perm.asked_already_waiting", lang, id=earlier.request_id,
                                      when=at(earlier.submitted_at))
        if then and until is not None:
            # A wider approval for a while, then the approval it replaced (the narrower form sent again).
            return self._strings.text("perm.asked_already_approved_in_turn", lang, id=earlier.request_id,
                                      name=earlier.decided_by, when=at(earlier.decided_at), until=f"{until:%d/%m/%Y}",
                                      then=", ".join(r.request_id for r in then))
        return self._strings.text("perm.asked_already_approved", lang, id=earlier.request_id,
                                  name=earlier.decided_by, when=at(earlier.decided_at))

    async def _create(self, request: PermissionRequest, requester: Person) -> tuple[PermissionRequest, bool]:
        """Store a new request (and True), or the one an earlier press of the same Send stored (and False)."""
        return await created_once(
            lambda r: self._requests.create(r, self._audit(r, SUBMITTED, requester)), request,
            lambda: self._own(request.request_id, requester), lambda: replace(request, request_id=new_request_id()))

    async def _own(self, request_id: str, requester: Person) -> PermissionRequest | None:
        """The person's own request with this id, or None (there is none, or it is someone else's)."""
        return await owned(self._requests.get, request_id, requester, lambda r: r.requester)

    async def _give_back(self, requester: Person, now: datetime) -> None:
        """Uncount a use of the daily limit that stored nothing."""
        await give_back_unused(self._limiter, self._request_limit, requester.key, now)

    def _status_reply(self, request: PermissionRequest, lang: Lang, zone: str = "") -> Reply:
        """The requester's status card, in place of the card clicked (`zone`: her time zone, `cards.status_card`)."""
        return Reply(card=self._status_card(request, lang, zone=zone), card_key=f"{request.request_id}|status")

    def _status_card(self, request: PermissionRequest, lang: Lang, *, undelivered: bool = False,
                     not_queued: bool = False, zone: str = "") -> Card:
        """The requester's card, saying whom a waiting request waits for: the headteacher; for her own, her named
        delegate, else another school's headteacher; or that nobody is named to decide it; and, sent outside school
        hours, when its cards reach them (`_tell_deciders` keeps them for then)."""
        school = self._school(request.school_id)
        now = self._clock()
        today = uk_today(now)
        if school is None:
            return cards.status_card(self._strings, lang, request, school=request.school_id, approver="", today=today,
                                     zone=zone)
        first = next(iter(self._federation.deciders_for(school, request.requester)), None)
        decider_id = first.aad_object_id if first else ""
        delegate = any(d.aad_object_id == decider_id for d in school.delegates)
        other = "" if delegate or decider_id == school.headteacher.aad_object_id else next(
            (s.name(lang) for s in self._federation.schools if s.headteacher.aad_object_id == decider_id), "")
        held_until = None
        if request.state is RequestState.PENDING and (opens := self._held_until(request, request.submitted_at)):
            held_until = opens if opens > now else None
        return cards.status_card(self._strings, lang, request, school=school.name(lang),
                                 approver=first.name if first else "", today=today, undelivered=undelivered,
                                 not_queued=not_queued, delegate=delegate, headteacher_of=other, held_until=held_until,
                                 zone=zone,
                                 also=[p.name for p in self._federation.deciders_for(school, request.requester)
                                       if p.aad_object_id != decider_id and p.name])

    def _held_until(self, request: PermissionRequest, at: datetime) -> datetime | None:
        """When the cards a press at `at` sends its deciders about the request go: the start of the school's next hours
        (`_tell_deciders`); None when `at` is in them, or when the last day asked for comes before then (kept for
        them, a request for Saturday sent on a Friday evening would reach the head on the Monday, to decline)."""
        opens = self._federation.calendar_for([request.school_id]).in_school_hours(at)
        if opens <= at or (request.end is not None and request.end < uk_today(opens)):
            return None
        return opens

    async def _queue_for_deciders(self, request: PermissionRequest, actor: Person, *,
                                  deciders: list[Person] | None = None) -> bool:
        """Queue the deciders' cards, then audit it and mark them queued (one write); with `deciders`,
        whether any of them has opened the bot is read meanwhile, said in the audit entry, and returned (True: none
        has yet, so nobody can decide it until one does)."""
        if deciders is None:
            await self._tell_deciders_it_waits(request)
            undelivered = False
        else:
            opened, _ = await asyncio.gather(asyncio.gather(*(self._reachable(p) for p in deciders)),
                                             self._tell_deciders_it_waits(request))
            undelivered = not any(opened)
        # Honest wording: this records that the card was queued for the approver, not that Teams showed it;
        # the outbox keeps it until it is sent.
        await self._requests.queued(request.request_id, request.state, audit=self._audit(
            request, SENT_TO_APPROVER, actor,
            "queued; no decider has opened the bot yet" if undelivered else "queued for delivery"))
        return undelivered

    async def catch_up(self) -> int:
        """Queue the notifications a fault left owed (the state was saved, its messages were not); every
        message id is fixed by request and state, so one queued already is not queued twice. Returns how many
        requests were caught up. The first pass also puts back on the lists any request a fault left off them, and
        takes every waiting request to whoever decides it today."""
        try:
            if not self._lists_mended:
                await self._mend_lists()
            if not self._replacements_mended:
                await self._mend_replacements()
            if not self._deciders_followed:
                await self._follow_todays_deciders()
            owed = [o for o in await self._requests.owed() if not self._in_hand(*o)]
        except StorageUnavailable:
            return 0
        done = 0
        for request_id, state in owed:
            try:
                request = await self._requests.get(request_id)
                if request.state is not state:
                    # A later state superseded it; that state's own notifications say everything.
                    await self._requests.queued(request_id, state)
                elif state is RequestState.PENDING:
                    await self._queue_for_deciders(request, request.requester)  # marks them queued
                else:
                    await self._notify_settled(request)
                    await self._no_longer_owed(request)
                done += 1
            except RecordNotFound:
                log.warning("owed notifications for a missing request dropped")
                await self._requests.queued(request_id, state)
            except StorageUnavailable:
                return done
        if done:
            log.info("caught up the notifications of %d permission request(s)", done)
        return done

    def _hold(self, request_id: str, state: RequestState) -> None:
        """A turn of this instance is writing the owed row of this state and will queue its messages itself."""
        self._turns_owing.setdefault((request_id, state), []).append(self._clock())

    def _let_go(self, request_id: str, state: RequestState) -> None:
        """That turn is done with the row: removed it, or left it for the catch-up pass (a fault)."""
        held = self._turns_owing.get((request_id, state))
        if held:
            held.pop(0)
            if not held:
                del self._turns_owing[(request_id, state)]

    def _in_hand(self, request_id: str, state: RequestState) -> bool:
        """Whether a turn of this instance is still working through this owed row (the pass would queue its messages
        again beside it, and write its audit entry twice); at most IN_HAND_AT_MOST after that turn began."""
        since = self._clock() - IN_HAND_AT_MOST
        held = [at for at in self._turns_owing.get((request_id, state), []) if at > since]
        if held:
            self._turns_owing[(request_id, state)] = held
        else:
            self._turns_owing.pop((request_id, state), None)
        return bool(held)

    async def _follow_todays_deciders(self) -> None:
        """Each waiting request to whoever decides it under the settings this instance started with (a new head is
        named by a restart): a card to each who has none (its id is fixed by request, state and person, so a card
        queued or sent already never goes twice), and copies not yet delivered to anyone who no longer decides it
        taken back. Storage down: the next pass tries again."""
        try:
            for request in await self._waiting():
                # Sent by no one's press (a restart): a new decider's copies wait for the school's hours.
                await asyncio.gather(self._tell_deciders_it_waits(request, automatic=True),
                                     self._recall_from_former_deciders(request))
        except StorageUnavailable:
            raise
        except DomainError as error:  # a record it cannot read: said once, and the owed messages still go
            log.warning("waiting requests not checked against today's deciders: %s", type(error).__name__)
        self._deciders_followed = True

    async def see_to_waiting(self) -> int:
        """The periodic pass over the requests still waiting, read once for both its parts: `show_dates_ended`, then
        `remind_waiting`. Returns how many requests either queued something for."""
        waiting = await self._waiting()
        return await self.show_dates_ended(waiting) + await self.remind_waiting(waiting)

    async def _waiting(self) -> list[PermissionRequest]:
        """Every request still waiting, at every school."""
        return await self._requests.list_pending([s.school_id for s in self._federation.schools])

    async def show_dates_ended(self, waiting: Sequence[PermissionRequest] | None = None) -> int:
        """The copies, to the headteacher and any delegate, of each waiting request (`waiting`, else read) whose dates
        have ended (UK day) are edited in place once to say so, with Decline and no Approve (an approval would be
        refused). Their message ids are fixed by request and person, so two instances at once, or a pass after a
        restart, queue one edit of each copy; an edit Teams refuses stays queued and is tried again; storage down: the
        next pass queues what this one could not. The requester is told nothing new: her request still waits, and a
        decline reaches her with its reason. Returns how many requests' copies were queued."""
        today = uk_today(self._clock())
        waiting = await self._waiting() if waiting is None else waiting
        ended = [r for r in waiting if r.dates_ended_by(today) and r.request_id not in self._dates_ended_shown]
        for request in ended:
            await self._tell_deciders_it_waits(request, because=DATES_ENDED)
            # A reminder kept back for school hours would ask, or say it waits, for days gone by.
            await self._take_back_waiting_reminders(request)
            self._dates_ended_shown.add(request.request_id)
        if ended:
            log.info("the dates of %d waiting permission request(s) have ended: their cards say so", len(ended))
        return len(ended)

    async def remind_waiting(self, waiting: Sequence[PermissionRequest] | None = None) -> int:
        """A request (of `waiting`, else read) still waiting `WAITING_REMINDER_SCHOOL_DAYS` school days after it was
        sent (the head away, say) is brought again to whoever decides it today, with the way to open it (and, where the
        school names no delegate, that IT can name one), and the member of staff is told it still waits and what to do
        if it cannot. Once each: the message ids are fixed by request and person, so two instances, or a pass after a
        restart, queue each once. A request whose dates have ended is left to `show_dates_ended`: its deciders' cards
        say so, and she is not told it still waits for days gone by. Returns how many requests' reminders this pass
        queued."""
        now = self._clock()
        today = uk_today(now)
        waiting = await self._waiting() if waiting is None else waiting
        due = [(r, n) for r in waiting if not r.dates_ended_by(today)
               and (n := self._reminders_due(r, now)) > self._waiting_reminded.get(r.request_id, 0)]
        for request, reminder in due:
            await self._remind_of(request, last=reminder == WAITING_REMINDERS)
            self._waiting_reminded[request.request_id] = reminder
        if due:
            log.info("%d permission request(s) waiting a school week or more: whoever decides each was reminded",
                     len(due))
        return len(due)

    def _reminders_due(self, request: PermissionRequest, now: datetime) -> int:
        """How many reminders a waiting request is due by now: one for each `WAITING_REMINDER_SCHOOL_DAYS` school days
        it has waited (its school's calendar), `WAITING_REMINDERS` at most."""
        calendar = self._federation.calendar_for([request.school_id])
        return sum(now >= calendar.add_working_days(request.submitted_at, WAITING_REMINDER_SCHOOL_DAYS * n)
                   for n in range(1, WAITING_REMINDERS + 1))

    async def _remind_of(self, request: PermissionRequest, *, last: bool = False) -> None:
        """`remind_waiting`'s messages for one request: to each who decides it, and to the member of staff; `last`, the
        second and last reminder, which says so (its messages' ids are its own, so it is sent once too)."""
        school = self._school(request.school_id)
        if school is None:
            return
        people = self._deciders(school, request.requester)
        # Each one's language and time zone, from the one read of their profile (a head abroad reads "UK time").
        readings = await asyncio.gather(*(preferred_reading(self._profiles, person) for person in people))
        again = "|last" if last else ""
        messages = [OutboundMessage(
            recipient=person, message_id=f"{request.request_id}|waiting-reminder{again}|{person.aad_object_id}",
            card=cards.waiting_reminder_card(self._strings, lang, request,
                                             since=when_read(self._strings, lang, request.submitted_at, zone),
                                             school=school.name(lang), delegate_named=bool(school.delegates),
                                             last=last),
            # Keyed, so that one kept for school hours is recalled from whoever the settings no longer name.
            card_key=_reminder_key(request.request_id, last=last), first_post=True,
            created_at=self._clock(), preview=self._strings.text("notify.permission_request", lang))
            for person, (lang, zone) in zip(people, readings, strict=True)]
        own, zone = await preferred_reading(self._profiles, request.requester)
        lang = request.lang or own
        messages.append(OutboundMessage(
            recipient=request.requester, message_id=f"{request.request_id}|waiting-told{again}",
            card=cards.still_waiting_card(self._strings, lang, request,
                                          since=when_read(self._strings, lang, request.submitted_at, zone),
                                          deciders=[p.name for p in people], last=last),
            created_at=self._clock(), preview=self._strings.text("notify.permission_news", lang)))
        # Sent by no one's click: kept back to the school's hours on a working day.
        await self._notifier.notify(in_school_hours(messages, self._federation.calendar_for([request.school_id]),
                                                    self._clock()))

    async def _mend_lists(self) -> None:
        """Put back on the lists any request a fault left off them; storage down: the next pass tries again."""
        try:
            if mended := await self._requests.rebuild_index():
                log.info("permission lists mended: %d entries", mended)
        except StorageUnavailable:
            raise
        except DomainError as error:  # a record it cannot read: said once, and the owed messages still go
            log.warning("permission lists not mended: %s", type(error).__name__)
        self._lists_mended = True

    async def _mend_replacements(self) -> None:
        """An approval a wider one replaced before the record kept until when (`replaced_until_kept`) is given the wider
        one's last day, with an audit entry, and its cards say when it stands again: so it does, once the wider runs
        out on its own. Once per instance; two at once write it once (etag). Storage down: the next pass tries again."""
        try:
            requests = {r.request_id: r for r in await self._requests.list_all()}
            for narrower in requests.values():
                wider = requests.get(narrower.superseded_by)
                if wider is None or replaced_until_kept(narrower, wider) is None:
                    continue
                await self._change_narrower(
                    wider, Person(wider.requester.tenant_id, wider.decided_by_id, wider.decided_by),
                    partial(_until_kept, wider), SUPERSEDED,
                    lambda read: f"by {read.superseded_by} until {read.superseded_until}, its last day")
        except StorageUnavailable:
            raise
        except DomainError as error:  # a record it cannot read: said once, and the owed messages still go
            log.warning("replaced approvals not given their last day: %s", type(error).__name__)
        self._replacements_mended = True

    # Deciding

    async def approve(self, turn: Turn) -> Reply:
        """Approve, with an optional comment."""
        return await self._decide(turn, approve=True)

    async def decline(self, turn: Turn) -> Reply:
        """Decline; a reason is required."""
        return await self._decide(turn, approve=False)

    def _settled_card(self, request: PermissionRequest, lang: Lang, error: str = "", *, opened: bool = False,
                      left: bool = False, note_error: str = "", not_recorded: str = "", note: str = "",
                      not_recorded_why: str = "", zone: str = "") -> Card:
        return cards.approver_card(self._strings, lang, request, school=self._school_name(request.school_id, lang),
                                   today=uk_today(self._clock()), error=error, opened=opened, left=left,
                                   note_error=note_error, not_recorded=not_recorded, note=note,
                                   not_recorded_why=not_recorded_why, zone=zone)

    def _own_decision_kept(self, request: PermissionRequest, person: Person) -> str:
        """Why the other button changed nothing when `person` had decided the request herself, and what she can do
        instead: after her decline, have it sent again (it reaches her as declined before); after her approval, while
        it is in force, End permission below. "" otherwise (the usual sentence)."""
        if request.decided_by_id != person.aad_object_id:
            return ""
        if request.state is RequestState.DECLINED:
            return "perm.not_recorded_own_declined"
        if request.is_active_on(uk_today(self._clock())):
            return "perm.not_recorded_own_approved"
        return ""

    async def _as_named_now(self, requests: Sequence[PermissionRequest]) -> list[PermissionRequest]:
        """Copies of waiting requests to show whoever decides them, each member of staff named as Teams names her now
        (her profile keeps the name of her last message to the bot), with the name it was sent under when that differs
        (`sent_as`): a name changed since (marriage), or none then. Never saved: the record keeps what was sent. A
        profile that cannot be read leaves the name sent."""
        async def named_now(person: Person) -> str:
            try:
                return (await self._profiles.recent_profile(person)).person.name
            except DomainError:
                return ""

        people = {r.requester.key: r.requester for r in requests if r.state is RequestState.PENDING}
        names = dict(zip(people, await asyncio.gather(*map(named_now, people.values())), strict=True))
        shown: list[PermissionRequest] = []
        for request in requests:
            now = names.get(request.requester.key, "")
            if now and now != request.requester.name and not same_name(now, request.requester.name):
                request = replace(request, requester=replace(request.requester, name=now),
                                  sent_as=request.requester.name)
            shown.append(request)
        return shown

    async def _gone(self, requests: Sequence[PermissionRequest]) -> set[str]:
        """The ids of the waiting requests whose member of staff is no longer on the staff list (read once); none when
        the list cannot be read: a mark, never in the way of a decision."""
        waiting = [r for r in requests if r.state is RequestState.PENDING]
        if not waiting:
            return set()
        try:
            staff = await self._directory.list_members()
        except StorageUnavailable:
            log.warning("staff list not read: no request marked as from someone who has left")
            return set()
        return {r.request_id for r in waiting if requester_has_left(r, staff, self._federation)}

    def _note(self, turn: Turn) -> str:
        raw = turn.data.get("reason")
        return raw.strip() if isinstance(raw, str) else ""

    async def _for_decider(self, turn: Turn) -> tuple[PermissionRequest, School] | Reply:
        """The request and its school if this person may decide it; otherwise the plain refusal."""
        try:
            request = await self._load(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"), refused=True)
        return self._decided_by(request, turn)

    def _decided_by(self, request: PermissionRequest, turn: Turn) -> tuple[PermissionRequest, School] | Reply:
        """The request and its school if the turn's person may decide it; otherwise the plain refusal."""
        school = self._school(request.school_id)
        if school is None or not (school.may_decide(turn.actor)
                                  or self._federation.may_decide(school, request.requester, turn.actor)):
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_decision"), refused=True)
        return request, school

    async def _decide(self, turn: Turn, *, approve: bool) -> Reply:
        """The decision, shown where it was clicked. On the card the request came in (neither the list nor a copy
        opened from it), the click's answer replaces that very card: it becomes the card's place (its key), and no
        update of it is queued; every other copy is updated by message."""
        from_list = turn.data.get("from") == "list"
        opened = turn.data.get("from") == "open"
        on_its_card = _on_its_card(turn)
        found = await self._for_decider(turn)
        if isinstance(found, Reply):
            return found
        request, school = found
        if turn.actor.aad_object_id == request.requester.aad_object_id:
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_own"), refused=True)
        note = self._note(turn)
        waiting = request.state is RequestState.PENDING
        # A list card posted before the list stopped offering a decision under a request cut short, or one Teams
        # has not refreshed: nobody decides what they could not read whole.
        if from_list and waiting and cards.cut_short_on_list(self._strings, turn.lang, request,
                                                             school.name(turn.lang)):
            return self._shown_whole(request, turn.lang, "perm.decide_in_full", note,
                                     left=request.request_id in await self._gone([request]), zone=turn.time_zone)
        now = self._clock()
        # Too late to approve (every day asked for has passed) is said before anything about the note.
        too_late = approval_problem(request, uk_today(now)) if approve else ""
        problem = (too_late or note_problem(note, approve=approve)) if waiting else ""
        if problem:
            if from_list and not cards.is_summary(len(await self._to_decide(turn))):
                typed = turn.data.get("typed_on_list")
                return await self._pending_reply(turn, errors={request.request_id: problem}, show_more=True,
                                                 typed=typed if isinstance(typed, dict) else None)
            if from_list:  # the list now is a summary, with no box to give the reason in
                return self._shown_whole(request, turn.lang, problem, note,
                                         left=request.request_id in await self._gone([request]), zone=turn.time_zone)
            said = self._strings.text(problem, turn.lang)
            # What is wrong with the reason or comment is said at its box; a request too late to approve, above it.
            return Reply(card=self._settled_card(request, turn.lang, said if problem == too_late else "",
                                                 note_error="" if problem == too_late else said, opened=opened,
                                                 zone=turn.time_zone))
        afterwards: Afterwards | None = None  # only a change this click made has any
        try:
            decided = decide(request, turn.actor, self._federation, approve=approve, reason=note, comment=note,
                             now=now)
            if approve and (narrower := await self._narrower(decided)) is not None:
                decided = replace(decided, supersedes=narrower.request_id)  # said in the write that approves it
            saved = await self._requests.save(decided, self._audit(decided, decided.state.value, turn.actor, note))
        except NotAllowed:
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_decision"), refused=True)
        except AlreadySettled as settled:
            saved = settled.request
        except ConcurrentChange:
            saved = await self._requests.get(request.request_id)
        except StorageUnavailable:
            stored = await self._after_a_late_save(request.request_id)
            if stored is None:
                if from_list:
                    return self._shown_whole(request, turn.lang, "error.storage_unsure", note, zone=turn.time_zone)
                return Reply(card=self._settled_card(request, turn.lang,
                                                     self._strings.text("error.storage_unsure", turn.lang),
                                                     opened=opened, zone=turn.time_zone))
            saved = stored
            if _made_by(saved, turn.actor, RequestState.APPROVED if approve else RequestState.DECLINED):
                afterwards = await self._after_settled(saved, shown_to=turn.actor if on_its_card else None)
        else:
            afterwards = await self._after_settled(saved, shown_to=turn.actor if on_its_card else None)
        # Settled before her press reached it (the other decider, or a withdrawal): she is told her decision was not
        # recorded, and given back what she wrote, which went to nobody.
        button = "" if saved.state is RequestState.PENDING or _made_by(
            saved, turn.actor, RequestState.APPROVED if approve else RequestState.DECLINED) else (
            "perm.approve" if approve else "perm.decline")
        why = self._own_decision_kept(saved, turn.actor) if button else ""
        if from_list:
            notice = self._settled_notice(saved, turn.lang, turn.time_zone)
            if button:
                said = cards.not_recorded_sentence(self._strings, turn.lang, button, note, request=saved, why=why)
                notice = f"{notice} {said}" + (f" “{clean_user_text(note, limit=LIMITS['reason'])}”" if note else "")
            reply = await self._pending_reply(turn, notice=notice, show_more=True)
        else:
            reply = Reply(card=self._settled_card(saved, turn.lang, opened=opened, not_recorded=button,
                                                  note=note if button else "", not_recorded_why=why,
                                                  zone=turn.time_zone),
                          card_key=f"{saved.request_id}|decide" if on_its_card else "")
        reply.afterwards = afterwards
        return reply

    def _shown_whole(self, request: PermissionRequest, lang: Lang, why: str, note: str, *, left: bool = False,
                     zone: str = "") -> Reply:
        """A waiting request's full card, as "See full request" opens it, saying why a click on the list did not
        decide it (`left`: and that its member of staff has left the staff list); the list clicked stays as it was."""
        card = cards.approver_card(self._strings, lang, request, school=self._school_name(request.school_id, lang),
                                   today=uk_today(self._clock()), error=self._strings.text(why, lang), opened=True,
                                   note=note, left=left, zone=zone)
        return Reply(card=card, new_message=True, card_key=_opened_key(request.request_id))

    def _settled_notice(self, request: PermissionRequest, lang: Lang, zone: str = "") -> str:
        if request.state is RequestState.PENDING:
            return ""
        outcome = cards.outcome_sentence(self._strings, lang, request, zone)
        return f"{request.request_id}: {clean_user_text(outcome, limit=200)}"

    async def _after_settled(self, request: PermissionRequest, *, shown_to: Person | None = None,
                             requester_reads: tuple[Lang, str] | None = None) -> Afterwards:
        """Tell the requester (in `requester_reads`, the language of the card she withdrew it on, else her own), and
        update every decider's copy in place, but for `shown_to`'s (the decider who clicked on the request's own card,
        which the click's answer has replaced). Their messages are queued before the click is answered, so a later
        change's always come after them; returned is what keeps the records tidy, which the answer need not wait for
        (`_tidy`). The state's owed row is this turn's until the tidying is over (`_in_hand`)."""
        self._hold(request.request_id, request.state)
        try:
            await self._notify_settled(request, shown_to=shown_to, requester_reads=requester_reads)
        except StorageUnavailable:
            # The decision is on record and shown to the person who made it; its messages stay owed and
            # `catch_up` queues them once storage answers again.
            log.warning("decision %s saved but its notifications could not be queued yet", request.request_id)
            return partial(self._tidy, request, queued=False)
        return partial(self._tidy, request, queued=True)

    async def _tidy(self, request: PermissionRequest, *, queued: bool) -> None:
        """After the click's answer: the request on the lists its state belongs on (off the pending list), and, once
        its messages are `queued`, those it no longer needs taken back and its notifications no longer owed. Storage
        down: what is owed stays owed, and `catch_up` finishes it; the lists re-read each record meanwhile."""
        tidying = [self._requests.reindex(request)] + ([self._no_longer_owed(request)] if queued else [])
        try:
            results = await asyncio.gather(*tidying, return_exceptions=True)
        finally:
            self._let_go(request.request_id, request.state)
        for result in results:
            if isinstance(result, StorageUnavailable):
                log.warning("request %s: its notifications stay owed until the catch-up pass", request.request_id)
            elif isinstance(result, BaseException):
                raise result

    async def _no_longer_owed(self, request: PermissionRequest) -> None:
        """Copies of the request's card still owed to anyone who no longer decides it taken back, then its state's
        notifications marked queued: until both are done, `catch_up` does them again."""
        await self._recall_from_former_deciders(request)
        await self._take_back_waiting_reminders(request)
        await self._requests.queued(request.request_id, request.state)

    async def _take_back_waiting_reminders(self, request: PermissionRequest) -> None:
        """The reminders that it still waits (`_remind_of`) not sent yet, kept back for school hours (due on a Friday
        evening, sent on Monday morning), never reach whoever decides it nor the member of staff once it is settled or
        its dates have ended: they would ask for a decision made, or say it still waits (for days gone by). One already
        with a sender goes. A request settled within its first school week had none, and nothing is read for it."""
        reminded = self._reminders_due(request, self._clock())
        if not reminded:
            return
        school = self._school(request.school_id)
        people = self._deciders(school, request.requester) if school else []
        await self._notifier.take_back([
            OutboundMessage(recipient=person, card={}, message_id=message_id)
            for again in ("", "|last")[:reminded]
            for person, message_id in (
                *((p, f"{request.request_id}|waiting-reminder{again}|{p.aad_object_id}") for p in people),
                (request.requester, f"{request.request_id}|waiting-told{again}"))])

    async def _narrower(self, wider: PermissionRequest) -> PermissionRequest | None:
        """The approval in force that `wider` asks more of (`approved_before`), which approving it replaces; None when
        there is none, or it was ended, ran out or was replaced already."""
        if not wider.approved_before:
            return None
        try:
            narrower = await self._requests.get(wider.approved_before)
        except RecordNotFound:
            return None
        return narrower if narrower_to_supersede(wider, narrower, uk_today(self._clock())) else None

    async def _supersede_narrower(self, wider: PermissionRequest) -> None:
        """The approval `wider` was approved in place of (`supersedes`) marked replaced from the wider's first day, with
        an audit entry, and its cards edited to say so (its owed row is then cleared, as a decision's is). Another
        partition than the decision, so a separate write: until it is made, the decision's notifications stay owed and
        the catch-up pass makes it. Made already (or the narrower ended, ran out or gone): nothing to do."""
        if wider.state is not RequestState.APPROVED or not wider.supersedes:
            return

        def replaced(narrower: PermissionRequest) -> PermissionRequest | None:
            if narrower.superseded_by == wider.request_id or not narrower_to_supersede(
                    replace(wider, approved_before=wider.supersedes), narrower, uk_today(self._clock())):
                return None
            return supersede(narrower, wider)

        by = Person(wider.requester.tenant_id, wider.decided_by_id, wider.decided_by)
        await self._change_narrower(wider, by, replaced, SUPERSEDED,
                                    lambda narrower: f"by {wider.request_id} from {narrower.superseded_from}")
        # One approval of an account at a time, the newest decision winning: what the one it replaced had replaced
        # stays replaced while it stands (before, it stood again beside it once the one between would have run out).
        chain = await self._chain_beneath(wider)
        today = uk_today(self._clock())
        for at, beneath in enumerate(chain[1:], start=1):
            between = chain[at - 1].request_id
            await self._change_narrower(
                wider, by, partial(replaced_through, wider=wider, today=today), SUPERSEDED,
                partial(_kept_replaced, wider.request_id, between), narrower_id=beneath.request_id)

    async def _chain_beneath(self, wider: PermissionRequest) -> list[PermissionRequest]:
        """The approvals `wider` replaced, nearest first: the one it was approved in place of (`supersedes`), the one
        that one had replaced, and so on down (each naming the one above as `superseded_by`)."""
        chain: list[PermissionRequest] = []
        above, below = wider.request_id, wider.supersedes
        while below and len(chain) < CHAIN_LIMIT:
            try:
                request = await self._requests.get(below)
            except RecordNotFound:
                break
            if request.superseded_by != above or request.request_id in {r.request_id for r in chain}:
                break
            chain.append(request)
            above, below = request.request_id, request.supersedes
        return chain

    async def _restore_narrower(self, wider: PermissionRequest) -> None:
        """An approval of more ended (`restored_narrower`): the approval it replaced stands on (ended before its first
        day) or again from the day it was ended, with an audit entry, and its cards say so. As `_supersede_narrower`, a
        second write the catch-up pass makes when storage refuses it."""
        if wider.state is not RequestState.ENDED or not wider.supersedes:
            return
        today = uk_today(wider.ended_at or self._clock())

        def restored(narrower: PermissionRequest) -> PermissionRequest | None:
            return restored_narrower(wider, narrower, today)

        def detail(narrower: PermissionRequest) -> str:
            if narrower.superseded_from is None:
                return f"{wider.request_id} ended before its first day"
            return f"{wider.request_id} ended: stands again from {today}"

        by = Person(wider.requester.tenant_id, wider.ended_by_id, wider.ended_by)
        await self._change_narrower(wider, by, restored, SUPERSEDING_UNDONE, detail)
        # Those it kept replaced beneath the one it replaced (`replaced_through`) come back in turn, each after the
        # ones above it have run out, never beside one.
        chain = await self._chain_beneath(wider)
        for at, beneath in enumerate(chain[1:], start=1):
            between = chain[:at]
            await self._change_narrower(
                wider, by, partial(restored_through, between=between, wider=wider, today=today), SUPERSEDING_UNDONE,
                partial(_given_back_in_turn, wider.request_id, [r.request_id for r in between]),
                narrower_id=beneath.request_id)

    async def _change_narrower(self, wider: PermissionRequest, by: Person,
                               change: Callable[[PermissionRequest], PermissionRequest | None], what: str,
                               detail: Callable[[PermissionRequest], str], *, narrower_id: str = "") -> None:
        """The approval `wider` widens (or `narrower_id`, one further down), read, changed (`change`; None: nothing to
        do), saved with an audit entry and its cards queued; read again when it changed between read and write (she
        ended it, say)."""
        for _ in range(3):
            try:
                narrower = await self._requests.get(narrower_id or wider.supersedes)
            except RecordNotFound:
                return
            if (changed := change(narrower)) is None:
                return
            try:
                saved = await self._requests.save(changed, self._audit(changed, what, by, detail(changed)))
            except ConcurrentChange:
                continue
            await self._notify_settled(saved)
            await self._requests.queued(saved.request_id, saved.state)
            return

    async def _notify_settled(self, request: PermissionRequest, *, shown_to: Person | None = None,
                              requester_reads: tuple[Lang, str] | None = None) -> None:
        """Queue the requester's messages and the deciders' copies, side by side; the dates-ended edit still owed to
        `shown_to` is taken back. An approval of more replaces the one it widens first (`_supersede_narrower`)."""
        await self._supersede_narrower(request)
        await self._restore_narrower(request)
        await asyncio.gather(self._tell_requester(request, requester_reads),
                             self._tell_deciders(request, shown_to=shown_to, because=_replacing_edit(request)),
                             self._tell_deciders_it_ended(request),
                             self._take_back_dates_ended(request, shown_to))

    async def _tell_requester(self, request: PermissionRequest, reads: tuple[Lang, str] | None = None) -> None:
        """Her status card and the news of a decision or an ending, in `reads` (the language of the card she acted on,
        and her turn's time zone), else the language she sent the request in (a Welsh form from an English Teams is
        answered in Welsh), else her own, with her time zone as her profile keeps it (a decision reaching her abroad
        says "UK time")."""
        requester = request.requester
        if reads is not None:
            lang, zone = reads
        else:
            own, zone = await preferred_reading(self._profiles, requester)
            lang = request.lang or own
        school = self._school_name(request.school_id, lang)
        replaced = f"|{edit}" if (edit := _replacing_edit(request)) else ""
        messages = [OutboundMessage(
            recipient=requester, message_id=f"{request.request_id}|status-{request.state.value}{replaced}",
            card=self._status_card(request, lang, zone=zone), card_key=f"{request.request_id}|status",
            created_at=self._clock(),
            preview=self._strings.text("notify.permission_news", lang))]
        if replaced and request.state is RequestState.APPROVED:
            # Replaced by a wider approval (whose own message tells her): the message that told her this one was
            # approved says so, in place; nothing new is posted.
            messages.append(OutboundMessage(
                recipient=requester, message_id=f"{request.request_id}|decision{replaced}",
                card=cards.decision_card(self._strings, lang, request, school=school, zone=zone),
                card_key=_decision_key(request.request_id), update_only=True, created_at=self._clock(),
                preview=self._strings.text("notify.permission_news", lang)))
        elif request.state in (RequestState.APPROVED, RequestState.DECLINED):
            # Its place is kept (`first_post`: she has no copy of it yet), so an approval ended later edits it.
            messages.append(OutboundMessage(
                recipient=requester, message_id=f"{request.request_id}|decision",
                card=cards.decision_card(self._strings, lang, request, school=school, zone=zone),
                card_key=_decision_key(request.request_id), first_post=True, created_at=self._clock(),
                preview=self._strings.text("notify.permission_answer", lang)))
        elif request.state is RequestState.ENDED:
            # The message saying it was approved now says it was ended, in place; one posted before its place was kept
            # (or never delivered) is left as it is, and nothing is posted for it.
            messages.append(OutboundMessage(
                recipient=requester, message_id=f"{request.request_id}|decision|ended",
                card=cards.decision_card(self._strings, lang, request, school=school, zone=zone),
                card_key=_decision_key(request.request_id), update_only=True, created_at=self._clock(),
                preview=self._strings.text("notify.permission_news", lang)))
            if request.ended_by_id != requester.aad_object_id:
                # Ended by whoever decides it: she is told, with the reason (ended herself, she has seen it).
                messages.append(OutboundMessage(
                    recipient=requester, message_id=f"{request.request_id}|ended",
                    card=cards.decision_card(self._strings, lang, request, school=school, zone=zone),
                    created_at=self._clock(),
                    preview=self._strings.text("notify.permission_news", lang)))
        await self._notifier.notify(messages)

    async def _tell_deciders_it_ended(self, request: PermissionRequest) -> None:
        """An approval ended: everyone who decides the request but whoever ended it is told, in a message of its own
        (their copies of its card are edited too, but nobody notices an old card edited): that the member of staff
        ended it herself, or that the headteacher (or a delegate) did and she has been told."""
        school = self._school(request.school_id)
        if school is None or request.state is not RequestState.ENDED:
            return
        by_herself = request.ended_by_id == request.requester.aad_object_id
        telling = cards.ended_by_requester_card if by_herself else cards.ended_by_decider_card
        people = [p for p in self._deciders(school, request.requester) if p.aad_object_id != request.ended_by_id]
        readings = await asyncio.gather(*(preferred_reading(self._profiles, person) for person in people))
        messages = [OutboundMessage(
            recipient=person, message_id=f"{request.request_id}|ended|told-{person.aad_object_id}",
            card=telling(self._strings, lang, request, school=school.name(lang), zone=zone),
            created_at=self._clock(), preview=self._strings.text("notify.permission_news", lang))
            for person, (lang, zone) in zip(people, readings, strict=True)]
        if messages and by_herself:
            # Her own press, reaching people who pressed nothing: outside school hours it waits for them.
            messages = in_school_hours(messages, self._federation.calendar_for([request.school_id]), self._clock())
        if messages:
            await self._notifier.notify(messages)

    async def withdraw(self, turn: Turn) -> Reply:
        """The requester takes a waiting request back."""
        try:
            request = await self._load(turn)
            if request.requester.aad_object_id != turn.actor.aad_object_id:
                raise RecordNotFound("not the requester")
            saved, afterwards = await self._withdrawn(request, turn)
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"), refused=True)
        if saved is None:  # below the card clicked, which stays as it was to press again
            return Reply(card=error_card(self._strings, turn.lang, "error.storage_unsure"), new_message=True)
        if turn.data.get("from") == "list":
            reply = await self._mine_reply(turn, notice=self._settled_notice(saved, turn.lang, turn.time_zone))
        else:
            reply = self._status_reply(saved, turn.lang, turn.time_zone)
        reply.afterwards = afterwards
        return reply

    async def _withdrawn(self, request: PermissionRequest, turn: Turn
                         ) -> tuple[PermissionRequest | None, Afterwards | None]:
        """The request once the requester's withdrawal is saved (or as another change that came first left it), with
        its messages queued, and what keeps the records tidy after the answer (none but for her own change); None when
        storage did not answer and can't say whether it was made."""
        try:
            withdrawn = withdraw(request, turn.actor, self._clock())
            saved = await self._requests.save(withdrawn, self._audit(withdrawn, WITHDRAWN, turn.actor))
        except AlreadySettled as settled:
            return settled.request, None
        except ConcurrentChange:
            return await self._requests.get(request.request_id), None
        except StorageUnavailable:
            saved_after_all = await self._after_a_late_save(request.request_id)
            if saved_after_all is None or not _made_by(saved_after_all, turn.actor, RequestState.WITHDRAWN):
                return saved_after_all, None
            saved = saved_after_all
        return saved, await self._after_settled(saved, requester_reads=(turn.lang, turn.time_zone))

    async def end(self, turn: Turn) -> Reply:
        """An approval in force (or still to start) ended early, by whoever may decide the request or by the member of
        staff who asked; a second press shows it ended. Answered where it was pressed."""
        try:
            request = await self._load(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"), refused=True)
        own = request.requester.aad_object_id == turn.actor.aad_object_id
        note = self._note(turn)
        afterwards: Afterwards | None = None  # only a change this click made has any
        try:
            ended = end_permission(request, turn.actor, self._federation, reason=note, now=self._clock())
            saved = await self._requests.save(ended, self._audit(ended, ENDED, turn.actor, ended.end_reason))
        except NotAllowed:
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_yours_to_end"), refused=True)
        except NotInForce as not_in_force:
            if not_in_force.request.state is not RequestState.ENDED:
                return Reply(card=cards.end_refused_card(self._strings, turn.lang, not_in_force.request,
                                                                 uk_today(self._clock())), refused=True)
            saved = not_in_force.request  # ended already (a second press, or someone else first): shown as it is
        except ValueError:  # a reason longer than the box takes: only a forged press sends one
            return Reply(card=error_card(self._strings, turn.lang, "perm.error.too_long"), refused=True)
        except ConcurrentChange:
            saved = await self._requests.get(request.request_id)
        except StorageUnavailable:
            stored = await stored_after_all(lambda: self._requests.get(request.request_id))
            if stored is None or stored.state is RequestState.APPROVED:  # below the card, to press again
                return Reply(card=error_card(self._strings, turn.lang, "error.storage_unsure"), new_message=True)
            saved = stored
            if _made_by(saved, turn.actor, RequestState.ENDED):
                afterwards = await self._after_ended(saved, turn, own=own)
        else:
            afterwards = await self._after_ended(saved, turn, own=own)
        reply = await self._ended_reply(saved, turn, own=own)
        reply.afterwards = afterwards
        return reply

    async def _after_ended(self, request: PermissionRequest, turn: Turn, *, own: bool) -> Afterwards:
        """The ending's messages: as after a decision, but for the card the click's answer replaces (a decider's own
        card) and in the language of the card the requester ended it on."""
        return await self._after_settled(request, shown_to=turn.actor if not own and _on_its_card(turn) else None,
                                  requester_reads=(turn.lang, turn.time_zone) if own else None)

    async def _ended_reply(self, request: PermissionRequest, turn: Turn, *, own: bool) -> Reply:
        """Where End was pressed, as it now is: Official accounts or My requests (from where that card began) with what
        happened, the requester's status card, or the decider's card. The member of staff who asked, pressing End with
        data naming Official accounts (which she cannot see: no card of hers sends it), gets her status card, not a
        refusal of what was done."""
        where = turn.data.get("from")
        notice = self._settled_notice(request, turn.lang, turn.time_zone)
        if where == "register" and may_see_register(turn.actor, self._federation):
            return await self._register_reply(turn, notice=notice)
        if where == "list":
            return await self._mine_reply(turn, notice=notice)
        if own:
            return self._status_reply(request, turn.lang, turn.time_zone)
        opened = where == "open"
        return Reply(card=self._settled_card(request, turn.lang, opened=opened, zone=turn.time_zone),
                     card_key="" if opened else f"{request.request_id}|decide")

    async def _after_a_late_save(self, request_id: str) -> PermissionRequest | None:
        """After a save that failed but may have been made all the same (it timed out): the request as storage has it
        once it waits no more (this change, or another that came first), None when it can't be read. Still waiting:
        `StorageUnavailable` again, and "nothing was changed" is true."""
        stored = await stored_after_all(lambda: self._requests.get(request_id))
        if stored is not None and stored.state is RequestState.PENDING:
            raise StorageUnavailable("the change was not made")
        return stored

    # Lists

    async def mine(self, turn: Turn) -> Reply:
        """The person's own requests (on Show more, the next ones)."""
        return await self._mine_reply(turn, show_more=True)

    async def how_to_change(self, turn: Turn) -> Reply:
        """The person's own requests, and how to change one: a request sent is never edited, so withdraw it and ask
        again."""
        return await self._mine_reply(turn, how_to_change=True)

    async def _mine_reply(self, turn: Turn, *, notice: str = "", how_to_change: bool = False, show_more: bool = False
                          ) -> Reply:
        rows = await self._requests.list_by_requester(turn.actor)
        start = 0
        if show_more:
            start, notice = await self._goes_on_at(turn, rows, newest_first=True,
                                                   on_the_list=lambda r: r.requester.key == turn.actor.key)
        return Reply(card=cards.my_requests_card(self._strings, turn.lang,
                                                 [(r, self._school_name(r.school_id, turn.lang)) for r in rows],
                                                 today=uk_today(self._clock()), notice=notice,
                                                 how_to_change=how_to_change, start=start, zone=turn.time_zone))

    async def decided_by_typing(self, turn: Turn) -> Reply:
        """ "approve" typed: nothing is decided. Whoever decides requests gets the list waiting for them, saying to use
        each request's buttons; anyone else, how requests are decided."""
        if not self._federation.schools_decided_by(turn.actor):
            return Reply(card=notice_card(self._strings.text("perm.typed_decision_not_decider", turn.lang)))
        return await self._pending_reply(turn, notice=self._strings.text("perm.typed_decision", turn.lang))

    async def waiting_for_me(self, turn: Turn) -> Reply:
        """ "anything waiting for me?": whoever decides requests (as the settings say of the person the activity names)
        gets the requests waiting for them; then the concern reports they hold, if any (a line manager's: what he
        must act on first, his own requests on a card after); anyone else their own requests, saying none waits for
        them; and last, for whoever sees them, the questions for review (those waiting for their reply first)."""
        held = await self._reports_held(turn) if self._reports_held is not None else None
        if self._federation.schools_decided_by(turn.actor):
            reply = await self._pending_reply(turn)
            if (missed := await self._missed(turn)) is not None:
                reply.more.append(missed)
            if held is not None:
                reply.more.append(held)
        else:
            reply = await self._mine_reply(turn, notice=self._strings.text("perm.waiting_not_decider", turn.lang))
            if held is not None and reply.card is not None:
                reply = replace(reply, card=held, more=[reply.card, *reply.more])
        if self._questions_for_review is not None and self._federation.oversees_policy(turn.actor):
            questions = await self._questions_for_review(turn)
            reply.more += [card for card in (questions.card, *questions.more) if card is not None]
        return reply

    async def decided(self, turn: Turn) -> Reply:
        """ "what has been decided?": whoever decides requests gets those she decides that were approved, declined or
        ended this term, by her or anyone else, newest first (asking again shows them again: not "since you last
        looked"); anyone else, their own requests."""
        if not self._federation.schools_decided_by(turn.actor):
            return await self._mine_reply(turn)
        since = datetime.combine(term_of(uk_today(self._clock())).starts, time(), tzinfo=UK)
        decided = decided_by_others(filter(self._decides(turn), await self._requests.list_all()), None, since)
        return Reply(card=cards.missed_card(self._strings, turn.lang,
                                            [(r, self._school_name(r.school_id, turn.lang)) for r in decided],
                                            since=since, first_look=True, by_anyone=True,
                                            today=uk_today(self._clock()), zone=turn.time_zone))

    async def _missed(self, turn: Turn) -> Card | None:
        """What someone else who decides requests (her named delegate, or the headteacher) approved, declined or ended
        since this person last asked what waited for her (this term, the first time), as a card; None when nothing.
        Asking is looking: the moment is kept, so the same decisions are not shown again."""
        now = self._clock()
        try:
            since = (await self._profiles.get_profile(turn.actor)).caught_up_at
        except RecordNotFound:
            since = None
        first_look = since is None
        if since is None:
            since = datetime.combine(term_of(uk_today(now)).starts, time(), tzinfo=UK)
        missed = decided_by_others(filter(self._decides(turn), await self._requests.list_all()), turn.actor, since)
        try:
            await self._profiles.save_caught_up(turn.actor, now)
        except StorageUnavailable:  # she is shown them again next time: better than no answer now
            log.warning("could not keep when a decider last asked what waited")
        if not missed:
            return None
        return cards.missed_card(self._strings, turn.lang,
                                 [(r, self._school_name(r.school_id, turn.lang)) for r in missed],
                                 since=since, first_look=first_look, today=uk_today(now), zone=turn.time_zone)

    async def pending(self, turn: Turn) -> Reply:
        """What waits for this headteacher or delegate, with the decide buttons (on Show more, the next ones)."""
        return await self._pending_reply(turn, show_more=True)

    def _schools_to_look_at(self, turn: Turn) -> dict[str, School]:
        """The schools whose waiting requests may hold one for this person: every school for a headteacher (she may
        decide another school's head's own), else those they decide for."""
        head = self._federation.is_headteacher(turn.actor)
        return {s.school_id: s for s in self._federation.schools if head or s.may_decide(turn.actor)}

    def _decides(self, turn: Turn) -> Callable[[PermissionRequest], bool]:
        """Whether a request is this person's to decide: `Federation.deciders_for` gives them."""
        schools = self._schools_to_look_at(turn)
        return lambda r: (r.school_id in schools and r.requester.tenant_id == turn.actor.tenant_id
                          and self._federation.may_decide(schools[r.school_id], r.requester, turn.actor))

    async def _to_decide(self, turn: Turn) -> list[PermissionRequest]:
        """The requests waiting for this person's decision, oldest first (none for someone who decides nothing)."""
        schools = list(self._schools_to_look_at(turn))
        rows = await self._requests.list_pending(schools) if schools else []
        return list(filter(self._decides(turn), rows))

    async def _pending_reply(self, turn: Turn, *, notice: str = "", errors: Mapping[str, str] | None = None,
                             show_more: bool = False, typed: Mapping[str, str] | None = None) -> Reply:
        """The pending list; `typed`, what its boxes held when a decision on it was refused, shown in them again."""
        if not self._federation.schools_decided_by(turn.actor):
            return Reply(card=error_card(self._strings, turn.lang, "perm.only_heads"))
        rows = await self._to_decide(turn)
        start = 0
        if show_more:
            start, shorter = await self._goes_on_at(turn, rows, newest_first=False, on_the_list=self._decides(turn))
            notice = notice or shorter  # a decision's outcome says more than where the list begins
        return Reply(card=cards.pending_card(self._strings, turn.lang,
                                             [(r, self._school_name(r.school_id, turn.lang))
                                              for r in await self._as_named_now(rows)],
                                             today=uk_today(self._clock()), notice=notice, errors=errors,
                                             start=start, left=await self._gone(rows), typed=typed,
                                             zone=turn.time_zone))

    async def open(self, turn: Turn) -> Reply:
        """One request's card: its requester's own status card (from My requests, or a decider's own request from the
        pending list: nobody decides their own); the decision card for whoever decides it."""
        try:
            request = await self._load(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"), refused=True)
        return await self._opened(request, turn)

    async def _opened(self, request: PermissionRequest, turn: Turn) -> Reply:
        """The card `open` shows of a request read already."""
        if turn.actor.aad_object_id == request.requester.aad_object_id:
            return Reply(card=self._status_card(request, turn.lang, zone=turn.time_zone))
        found = self._decided_by(request, turn)
        if isinstance(found, Reply):
            return found
        left = request.request_id in await self._gone([request])
        [shown] = await self._as_named_now([request])
        return Reply(card=self._settled_card(shown, turn.lang, opened=True, left=left, zone=turn.time_zone),
                     card_key=_opened_key(request.request_id) if request.state is RequestState.PENDING else "")

    async def _typed_reference(self, request_id: str, turn: Turn) -> Reply:
        """A request's reference typed ("P-7KX3QD", "What's happening with P-7KX3QD?"): that request, opened as "See
        full request" opens it, for the member of staff who sent it and whoever decides it; to anyone else, the plain
        refusal, saying nothing of it (not even that it exists)."""
        turn = replace(turn, data={"id": request_id})
        try:
            request = await self._load(turn)
        except RecordNotFound:
            request = None
        if request is None or (turn.actor.aad_object_id != request.requester.aad_object_id
                               and isinstance(self._decided_by(request, turn), Reply)):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"), refused=True)
        return await self._opened(request, turn)

    async def register(self, turn: Turn) -> Reply:
        """Approved permissions still in force: the federation's official accounts (for heads)."""
        return await self._register_reply(turn)

    async def _register_reply(self, turn: Turn, *, notice: str = "") -> Reply:
        """Official accounts from where the card clicked began (Show more, or End pressed on it), with End on those the
        person decides, and a mark on each whose member of staff has left the staff list (read once for the card)."""
        if not may_see_register(turn.actor, self._federation):
            return Reply(card=error_card(self._strings, turn.lang, "perm.only_heads_register"))
        today = uk_today(self._clock())
        requests, staff = await asyncio.gather(self._requests.list_all(), self._directory.list_members())
        rows = [r for r in requests if r.requester.tenant_id == turn.actor.tenant_id and r.is_active_on(today)]
        start, shorter = await self._goes_on_at(turn, rows, newest_first=False,
                                                on_the_list=lambda r: r.requester.tenant_id == turn.actor.tenant_id)
        decides = self._decides(turn)
        return Reply(card=cards.register_card(
            self._strings, turn.lang, [(r, self._school_name(r.school_id, turn.lang)) for r in rows],
            start=start, notice=notice or shorter, endable={r.request_id for r in rows if decides(r)},
            left={r.request_id for r in rows if requester_has_left(r, staff, self._federation)},
            zone=turn.time_zone))

    async def _goes_on_at(self, turn: Turn, rows: Sequence[PermissionRequest], *, newest_first: bool,
                          on_the_list: Callable[[PermissionRequest], bool]) -> tuple[int, str]:
        """Where a list card begins (see `dialogs.lists.goes_on_at`)."""
        return await goes_on_at(turn, rows, strings=self._strings, id_of=lambda r: r.request_id,
                                standing=listing_order, newest_first=newest_first,
                                stored=stored_if_any(self._requests.get, is_id=is_request_id), on_the_list=on_the_list)


class SentMeanwhile(Exception):
    """Another form of the same person stored the request this one was about to store (the same account, asked at the
    same moment): read her requests again and answer this form as one sent after it."""


# How many times a form is read again against her requests when others of hers keep being stored first.
SENT_MEANWHILE_TRIES = 3


def _sent_on(form: str, requester: Person, mine: Sequence[PermissionRequest]) -> PermissionRequest | None:
    """Her request that a press of this form's Send stored: the one the form's token names (`Form`), or on a record
    from before tokens were kept, the one whose id the token gave."""
    legacy = form_request_id(requester, form)
    return next((r for r in mine if r.form == form or (not r.form and r.request_id == legacy)), None)


def _named_to_replace(data: Mapping[str, Any], mine: Sequence[PermissionRequest]) -> PermissionRequest | None:
    """The person's own request a "Send in place of …" press names (`replaces`); None for none, or for anyone else's
    (the card's data names it, the activity says whose requests are hers)."""
    named = data.get("replaces")
    return next((r for r in mine if r.request_id == named), None) if is_request_id(named) else None


def _decision_in_own_words(said: str, text: str) -> str | None:
    """The word of a decision a normalised message opens with ("decline the instagram one", "ok approve them all",
    "gwrthod hwn mae gennym dudalen"), once courtesy words are taken off its front; None for a question ("?" anywhere),
    a friend request or "approve of"."""
    if "?" in text:
        return None
    for core in without_courtesy(said):
        if (opener := opening(core, DECIDING_OPENERS)) is not None:
            return None if _NOT_A_DECISION.search(core) else opener
    return None


def asks_what_waits(said: str) -> str | None:
    """The phrase of permission-waiting-for-me.txt a normalised message is ("anything waiting for me", "beth sy n
    aros"), once the greetings it opens with ("morning", "bore da") and courtesy words are off either end, and a word of
    when ("today", "heddiw") off its end; None for anything else, a question that goes on past it included."""
    for core in without_courtesy(after_greetings(" ".join(said.split()))):
        for asked in (core, *(core[:-len(at) - 1] for at in _WAITING_WHEN if core.endswith(f" {at}"))):
            if asked in WAITING_WORDS:
                return asked
    return None


def _on_its_card(turn: Turn) -> bool:
    """Whether the press was on the card the request came in, in the person's own chat, which the click's answer
    replaces (so no message updates it); pressed on a copy forwarded to a group chat, the answer goes to her chat as a
    new message, and her card there is updated as every other copy is."""
    return not turn.data.get("from") and turn.is_private


def _decision_key(request_id: str) -> str:
    """The card key of the message telling the requester her request was decided, so an approval ended later edits
    it in place."""
    return f"{request_id}|decision"


def _reminder_key(request_id: str, *, last: bool) -> str:
    """The card key of a waiting request's reminder to whoever decides it (the first, or the `last`)."""
    return f"{request_id}|waiting-reminder" + ("|last" if last else "")


def _opened_key(request_id: str) -> str:
    """The card key of the copy of a request's card a decider opened last ("See … in full", or a list click answered
    with the whole card), so a decision, or the pass saying its dates have ended, edits it in place too."""
    return f"{request_id}|opened"


def _replacing_edit(request: PermissionRequest) -> str:
    """The edit of an approval's cards that a wider approval replacing it (or that replacement undone) calls for, under
    message ids of its own (its approval's messages went already); "" for any other."""
    if not request.superseded_by or request.state is not RequestState.APPROVED:
        return ""
    if request.superseded_from is None:
        return "restored"
    # Replaced for as long as the wider runs, or until a day (its last, or the day before it was ended): each its own.
    return SUPERSEDED + (f"-until-{request.superseded_until}" if request.superseded_until else "")


def _kept_replaced(wider_id: str, between_id: str, changed: PermissionRequest) -> str:
    """The audit entry's detail for an approval `wider_id` keeps replaced (`replaced_through`)."""
    return f"by {wider_id} in turn, which replaced {between_id}: until {changed.superseded_until or 'it ends'}"


def _given_back_in_turn(wider_id: str, between: Sequence[str], changed: PermissionRequest) -> str:
    """The audit entry's detail for an approval given back in turn once `wider_id` was ended (`restored_through`)."""
    stand = "stands" if len(between) == 1 else "stand"
    return (f"{wider_id} ended: replaced while {', '.join(between)} {stand}, until "
            f"{changed.superseded_until or 'they end'}")


def _until_kept(wider: PermissionRequest, narrower: PermissionRequest) -> PermissionRequest | None:
    """`replaced_until_kept`, the wider one first (for `partial`)."""
    return replaced_until_kept(narrower, wider)


def _copy_id(request_id: str, state: RequestState, person: Person, because: str = "") -> str:
    """The id of a message with a decider's copy of the request's card in that state (`because`: an edit of it)."""
    return f"{request_id}|{state.value}|to-{person.aad_object_id}" + (f"|{because}" if because else "")
