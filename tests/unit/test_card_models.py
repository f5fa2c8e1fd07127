"""The card data models and the router that applies them (issue 19, item 4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.people import Lang, Person
from dialogs.base import CardData, Handler, NoData, Reply, Router, Scope, Text, Turn, Verb
from dialogs.concerns import CloseClick, ReportForm
from dialogs.home import LanguageData
from dialogs.permission_requests import DecisionClick, RequestClick

CARYS = Person("t", "a1", "Carys Jenkins")


def _dump(model: type[CardData], data: Mapping[str, Any]) -> dict[str, Any]:
    return model.model_validate(data).model_dump(by_alias=True, exclude_unset=True)


def test_the_fields_cards_posted_long_ago_send_are_still_read() -> None:
    old_concern_form = {"ref": "C-7KX3QD", "what": "Messages at night", "since": "May", "where": "WhatsApp",
                        "who": "Dafydd", "evidence": "Screenshots", "meeting": "true", "urgent": "true"}

    assert _dump(ReportForm, old_concern_form) == old_concern_form
    assert _dump(DecisionClick, {"id": "P-ABCDEF", "reason": "Lovely."}) == {"id": "P-ABCDEF", "reason": "Lovely."}
    assert _dump(RequestClick, {"id": "P-ABCDEF", "from": "list"}) == {"id": "P-ABCDEF", "from": "list"}


def test_the_pending_lists_box_of_the_clicked_request_is_its_reason() -> None:
    clicked = {"id": "P-ABCDEF", "from": "list", "reason_P-ABCDEF": "Use the school page.",
               "reason_P-GHIJKL": "another request's box"}

    assert _dump(DecisionClick, clicked) == {"id": "P-ABCDEF", "from": "list", "reason": "Use the school page.",
                                             "typed_on_list": {"reason_P-ABCDEF": "Use the school page.",
                                                               "reason_P-GHIJKL": "another request's box"}}
    with pytest.raises(ValidationError):
        DecisionClick.model_validate({"id": "P-ABCDEF", "reason_P-ABCDEF": ["x"]})


def test_unknown_fields_are_dropped_and_null_is_empty() -> None:
    assert _dump(CloseClick, {"ref": "C-7KX3QD", "outcome": None, "colour": [1], "verb": "concern.close"}) == {
        "ref": "C-7KX3QD", "outcome": ""}
    assert _dump(NoData, {"anything": {"at": "all"}}) == {}


def test_a_typed_value_that_shows_nothing_arrives_empty_and_one_that_shows_something_as_typed() -> None:
    assert _dump(CloseClick, {"ref": "C-7KX3QD", "outcome": "\u200b\u2060\ufeff \n"}) == {"ref": "C-7KX3QD",
                                                                                       "outcome": ""}
    assert _dump(CloseClick, {"ref": "C-7KX3QD", "outcome": " \u200bDone. "}) == {"ref": "C-7KX3QD",
                                                                                 "outcome": " \u200bDone. "}


@pytest.mark.parametrize("wrong", [["cy"], {"cy": 1}, 1, 0.5, True, False])
def test_a_wrong_type_is_refused(wrong: Any) -> None:
    with pytest.raises(ValidationError):
        LanguageData.model_validate({"lang": wrong})


class _Shape(CardData):
    name: Text = ""


class _Flow:
    def __init__(self) -> None:
        self.seen: list[Mapping[str, Any]] = []

    def verbs(self) -> Mapping[str, Verb]:
        return {"shape.set": Verb(self.handle, _Shape)}

    def match_text(self, turn: Turn) -> Handler | None:
        return None

    async def handle(self, turn: Turn) -> Reply:
        self.seen.append(turn.data)
        return Reply(card={"handled": True})


async def _said(turn: Turn) -> Reply:
    return Reply(card={"said": turn.verb or "text"})


async def _invalid(turn: Turn) -> Reply:
    return Reply(card={"invalid": turn.verb})


@pytest.mark.parametrize(("data", "handled"), [
    ({"name": "Carys", "extra": [1]}, {"name": "Carys"}),
    ({}, {}),
    ({"name": ["Carys"]}, None),
    ({"name": 7}, None),
])
async def test_the_router_gives_a_handler_only_data_of_its_verbs_types(data: dict[str, Any],
                                                                       handled: dict[str, Any] | None) -> None:
    flow = _Flow()
    router = Router([flow], fallback=_said, unknown_verb=_said, invalid_data=_invalid)

    reply = await router.route(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, verb="shape.set", data=data))

    assert flow.seen == ([handled] if handled is not None else [])
    assert reply.card == ({"handled": True} if handled is not None else {"invalid": "shape.set"})
