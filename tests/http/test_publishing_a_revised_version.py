"""A revised version the bot has never seen, as the federation writes one (a section renamed, a new one with no
Welsh heading, agreed on a committee's recommendation), published from Teams and met by Welsh and English staff, by
cards still in chats from the version before, and by a rollback: at HTTP level against Azurite."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.settings import Settings
from tests.http import test_publishing
from tests.http.test_publishing import CHAT, STAFF, _text
from tests.support.activities import CARYS, GARETH, OWAIN, SIAN, card_action, file_message, message
from tests.support.cards import actions, press, verb_data
from tests.support.connector import Connector
from tests.support.files import FileServer
from tests.support.policies import AI_SECTION, revised_docx
from tests.support.publishing import bot_command, delivered, send, until

# How the federation's clerk writes who agreed it; and the 2022 "Legislation" section, renamed.
AGREED = "Governing Body, on the recommendation of the Staffing and Wellbeing Committee"
RENAMED = {"Legislation": "The law and professional standards"}


bot, files = test_publishing.bot, test_publishing.files  # the app with versions and the file server, as fixtures


async def _says(bot: TestClient, connector: Connector, person: dict[str, str], words: str, **kwargs: Any
                ) -> dict[str, Any]:
    """The person types `words`; the card that answers them (a read-and-confirm card owed to someone opening the bot
    for the first time comes after it)."""
    before = len(connector.cards(CHAT[person["id"]]))
    await send(bot, message(person, words, connector.url, **kwargs))
    return connector.cards(CHAT[person["id"]])[before]


async def _click(bot: TestClient, connector: Connector, person: dict[str, str], verb: str, data: dict[str, Any],
                 **kwargs: Any) -> dict[str, Any]:
    """The person presses a button; the card that replaced it, or for a button that opens something, the card that
    came below it."""
    return await press(bot, connector, card_action(person, verb, data, connector.url, **kwargs))


async def _in_force(bot: TestClient, connector: Connector, version: str) -> bool:
    card = await _says(bot, connector, GARETH, "about")
    return f'"value": "{version}"' in _text(card)


async def _everyone_opens_the_bot(bot: TestClient, connector: Connector) -> None:
    """Each member of staff says hello, Owain from Teams in Welsh, so the campaign's cards can reach them."""
    for person in STAFF:
        await send(bot, message(person, "helo" if person is OWAIN else "hi", connector.url,
                                 locale="cy-GB" if person is OWAIN else "en-GB"))


async def _publish(bot: TestClient, connector: Connector, files: FileServer, document: Path, *, version: str = "2"
                   ) -> None:
    """Siân sends the Word document (`version`) in her 1:1 chat and clicks Publish; every instance answers from it."""
    url = files.add(await asyncio.to_thread(document.read_bytes))
    await send(bot, file_message(SIAN, connector.url, name=document.name, download_url=url))
    preview = connector.cards(CHAT[SIAN["id"]])[-1]
    await _click(bot, connector, SIAN, "policy.publish", verb_data(preview, "policy.publish"))
    # The new version's index is built in the background (the sentence model reads every passage): on a loaded
    # two-core CI machine that took over 30 s once.
    await until(lambda: _in_force(bot, connector, version), within=120)
    await delivered(bot)
    # Her own read card too, which a sender still running can bring after the pass: else it lands mid-exchange.
    await until(lambda: _has_read_card(connector, SIAN))


async def _has_read_card(connector: Connector, person: dict[str, str]) -> bool:
    return any(any(a.get("verb") == "policy.confirm_read" for a in actions(card))
               for card in connector.cards(CHAT[person["id"]]))


def _revised(tmp_path: Path) -> Path:
    return revised_docx(tmp_path, review="Spring Term 2027", agreed=AGREED, renamed=RENAMED)


def _read_card(connector: Connector, person: dict[str, str]) -> dict[str, Any]:
    return next(c for c in connector.cards(CHAT[person["id"]])
                if any(a.get("verb") == "policy.confirm_read" for a in actions(c)))


# Questions about the document, in Welsh


async def test_the_welsh_about_card_gives_who_agreed_it_and_the_review_term_in_welsh(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await _publish(bot, connector, files, _revised(tmp_path))

    about = _text(await _says(bot, connector, OWAIN, "am y polisi", locale="cy-GB"))
    english = _text(await _says(bot, connector, CARYS, "about"))

    assert "Y Corff Llywodraethu, ar argymhelliad y Pwyllgor Staffio a Llesiant" in about
    assert "Tymor y Gwanwyn 2027" in about and "1 Medi 2026" in about
    assert "on the recommendation" not in about and "Spring" not in about
    assert AGREED in english and "Spring Term 2027" in english


async def test_who_agreed_it_asked_in_welsh_is_answered_from_the_documents_details(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await _publish(bot, connector, files, _revised(tmp_path))

    answer = _text(await _says(bot, connector, OWAIN, "pwy gytunodd arno?", locale="cy-GB"))

    assert "Am y polisi hwn" in answer and "Cytunwyd gan" in answer
    assert "Y Corff Llywodraethu, ar argymhelliad y Pwyllgor Staffio a Llesiant" in answer
    assert "Dydy'r polisi ddim yn sôn am hynny" not in answer


# Headings with no Welsh, on Welsh cards


HEADINGS_NOTE = "Mae penawdau heb Gymraeg yn y ddogfen yn cael eu dangos yn Saesneg."


async def test_welsh_cards_say_that_the_new_versions_headings_without_welsh_are_in_english(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """The new and the renamed section have no Welsh heading (the document has none); the sections kept word for
    word keep the Welsh the version before gave them."""
    await _everyone_opens_the_bot(bot, connector)
    before = _text(await _says(bot, connector, OWAIN, "adrannau", locale="cy-GB"))
    await _publish(bot, connector, files, _revised(tmp_path))

    read_card = _read_card(connector, OWAIN)
    sections = await _click(bot, connector, OWAIN, "policy.sections", verb_data(read_card, "policy.sections"),
                            locale="cy-GB")
    whats_new = _text(await _says(bot, connector, OWAIN, "beth sy'n newydd", locale="cy-GB"))

    assert HEADINGS_NOTE not in before  # the shipped version has Welsh for every heading
    for shown in (_text(read_card), _text(sections), whats_new):
        assert AI_SECTION[0] in shown and HEADINGS_NOTE in shown
    assert "Diben y polisi hwn" in _text(sections)
    assert HEADINGS_NOTE not in _text(_read_card(connector, CARYS))


async def test_a_renamed_section_on_a_welsh_card_names_the_welsh_heading_it_had(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await _everyone_opens_the_bot(bot, connector)
    await _publish(bot, connector, files, _revised(tmp_path))

    welsh = _text(_read_card(connector, OWAIN))
    english = _text(_read_card(connector, CARYS))

    assert 'The law and professional standards (\\"Deddfwriaeth\\" gynt)' in welsh
    assert 'The law and professional standards (was \\"Legislation\\")' in english


# Cards from the version before, pressed once the new one is in force


async def test_a_question_passed_on_from_an_answer_of_the_version_before_tells_the_head_which_version(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await send(bot, message(SIAN, "hi", connector.url))
    answer = await _says(bot, connector, CARYS, "Can I accept a friend request from a pupil?")
    await _publish(bot, connector, files, _revised(tmp_path))

    not_helpful = await _click(bot, connector, CARYS, "ask.feedback",
                               {**verb_data(answer, "ask.feedback"), "value": "not_helpful"})
    await _click(bot, connector, CARYS, "ask.escalate", verb_data(not_helpful, "ask.escalate"))
    await delivered(bot)
    head = _text(connector.cards(CHAT[SIAN["id"]])[-1])
    review = _text(await _says(bot, connector, SIAN, "review"))

    assert "Using social networking for personal use" in head
    assert "of version 1 (version 2 is in force now)" in head
    assert "Using social networking for personal use (version 1)" in review


async def test_a_welsh_head_reads_that_a_heading_with_no_welsh_a_question_was_answered_from_is_in_english(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """Version 2's new section has no Welsh heading. Siân, whose Teams is in Welsh, gets Carys's question answered
    from it: her card and her review list name the section in English, and say why, as every Welsh list does."""
    await _publish(bot, connector, files, _revised(tmp_path))
    await send(bot, message(SIAN, "helo", connector.url, locale="cy-GB"))
    answer = await _says(bot, connector, CARYS, "Can I put pupils' names into ChatGPT?")

    not_helpful = await _click(bot, connector, CARYS, "ask.feedback",
                               {**verb_data(answer, "ask.feedback"), "value": "not_helpful"})
    await _click(bot, connector, CARYS, "ask.escalate", verb_data(not_helpful, "ask.escalate"))
    await delivered(bot)
    head = _text(connector.cards(CHAT[SIAN["id"]])[-1])
    review = _text(await _says(bot, connector, SIAN, "adolygu", locale="cy-GB"))

    assert f'Atebodd y bot o\'r adran \\"{AI_SECTION[0]}\\"' in head and AI_SECTION[0] in review
    assert HEADINGS_NOTE in head
    assert HEADINGS_NOTE in review


# Rolling back


async def test_read_the_policy_on_a_card_about_a_version_since_rolled_back_says_which_version_it_shows(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, settings: Settings) -> None:
    await _everyone_opens_the_bot(bot, connector)
    await _publish(bot, connector, files, _revised(tmp_path))
    english_card, welsh_card = _read_card(connector, CARYS), _read_card(connector, OWAIN)

    rolled = await asyncio.to_thread(bot_command, settings, "rollback-policy", "1", "--yes")
    await until(lambda: _in_force(bot, connector, "1"))
    english = _text(await _click(bot, connector, CARYS, "policy.sections",
                                 verb_data(english_card, "policy.sections")))
    welsh = _text(await _click(bot, connector, OWAIN, "policy.sections", verb_data(welsh_card, "policy.sections"),
                               locale="cy-GB"))

    assert rolled.returncode == 0, rolled.stderr
    assert "Use of personal mobile devices at work" in english  # version 1's sections
    assert "This card was about version 2, which is no longer in force. These are the sections of version 1" in english
    assert "Roedd y cerdyn hwn yn ymwneud â fersiwn 2, nad yw mewn grym bellach. Dyma adrannau fersiwn 1" in welsh


async def test_who_has_read_it_after_rolling_back_to_the_installed_version_lists_nobody_as_not_yet_read(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, settings: Settings) -> None:
    """Staff are never asked to confirm the version the bot was installed with: "not yet" beside everyone's name
    would send the head chasing staff for nothing."""
    await send(bot, message(SIAN, "hi", connector.url))
    await _publish(bot, connector, files, _revised(tmp_path))
    rolled = await asyncio.to_thread(bot_command, settings, "rollback-policy", "1", "--yes")
    await until(lambda: _in_force(bot, connector, "1"))

    english_card = await _says(bot, connector, SIAN, "who has read it")
    welsh = _text(await _says(bot, connector, SIAN, "pwy sydd wedi darllen"))
    version_2 = _text(await _click(bot, connector, SIAN, "policy.reads", verb_data(english_card, "policy.reads")))
    english = _text(english_card)

    assert rolled.returncode == 0, rolled.stderr
    assert "Not yet" not in english and "read by 0 of" not in english
    assert "Staff are not asked to confirm version 1" in english and "asked to read version 2" in english
    assert "Ddim eto" not in welsh and "Does neb yn cael cais i gadarnhau fersiwn 1" in welsh
    assert "Who has read version 2" in version_2 and "Llanidloes High School: read by 0 of 3" in version_2


async def test_who_has_read_it_typed_in_welsh_as_it_is_written(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await send(bot, message(SIAN, "hi", connector.url))
    await _publish(bot, connector, files, _revised(tmp_path))

    summary = _text(await _says(bot, connector, SIAN, "Pwy sydd wedi'i ddarllen?"))

    assert "Pwy sydd wedi darllen fersiwn 2" in summary


async def test_a_heading_version_2_renamed_has_its_welsh_again_on_version_3s_read_card(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """Version 2 renamed "Legislation"; version 3, sent from Teams, went back to it. Only the version in force lent
    Welsh headings, so Owain's Welsh card for version 3 listed "Legislation" in English, not "Deddfwriaeth"."""
    await _everyone_opens_the_bot(bot, connector)
    await _publish(bot, connector, files, _revised(tmp_path))
    third = revised_docx(tmp_path, "Social Media Policy 2027.docx", version="3", issued="01.09.2027")
    await _publish(bot, connector, files, third, version="3")

    welsh = _text([c for c in connector.cards(CHAT[OWAIN["id"]]) if "fersiwn 3" in _text(c)][-1])
    assert "Deddfwriaeth" in welsh and '"Legislation"' not in welsh, welsh
