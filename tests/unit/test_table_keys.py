"""Table keys: Azure Tables forbids / \\ # ? and control characters in keys, so a value is escaped into its key; two
values never share a key, the key gives the value back, and every key the bot wrote before stays as it was."""

from __future__ import annotations

import re

import pytest

from bot.storage.tables import key_value, safe_key

FORBIDDEN = re.compile(r"[/\\#?\x00-\x1f\x7f-\x9f]")
# Values the bot has always written as keys: ids, references, tenant and object ids, ordinary emails, compounds.
ORDINARY = ["5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "P-7KX3QD", "C-4QX9TB", "F-qymEKi7r5eI0ZLB5",
            "sian.roberts@llanidloes.example.cymru", "o'brien+staff@llanidloes.example.cymru", "dai_jones@x.cymru",
            "by-requester|5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b|a1000000-0000-4000-8000-000000000001",
            "pending|high", "asked|carys.jenkins@llanidloes.example.cymru", "siân.öz@ysgol.cymru"]
# Emails that differ only in characters a key cannot hold (all legal in an email's local part), and the escape.
TWINS = ["dai#jones@x.cymru", "dai_jones@x.cymru", "dai/jones@x.cymru", "dai\\jones@x.cymru", "dai?jones@x.cymru",
         "dai!jones@x.cymru", "dai!23jones@x.cymru", "dai\x7fjones@x.cymru", "dai\u0085jones@x.cymru"]


@pytest.mark.parametrize("value", ORDINARY)
def test_an_ordinary_value_is_its_own_key_as_it_always_was(value: str) -> None:
    assert safe_key(value) == value


def test_values_that_differ_only_in_characters_a_key_cannot_hold_get_different_keys_that_give_them_back() -> None:
    keys = [safe_key(value) for value in TWINS]

    assert len(set(keys)) == len(TWINS)
    assert [key_value(key) for key in keys] == TWINS
    assert not any(FORBIDDEN.search(key) for key in keys)


def test_a_key_of_a_prefix_is_a_prefix_of_the_key() -> None:
    """Range queries ask for every key that starts with a prefix's key."""
    assert safe_key("msg|C-4QX9TB|#1").startswith(safe_key("msg|C-4QX9TB|"))


def test_a_value_too_long_for_a_key_is_refused_rather_than_cut_into_another_values_key() -> None:
    with pytest.raises(ValueError, match="too long"):
        safe_key("#" * 200)
