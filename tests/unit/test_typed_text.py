"""The words typed, read from a message's markup in one pass over it: the same words as the regular expressions read
before (whose time grew with the square of the text's length), for any mix of mentions, reply quotes, paragraph marks
and broken tags."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.edge.teams import _typed_text

# The reading before, as it was: kept here only to compare with.
_MENTION = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_QUOTED_REPLY = re.compile(r"<blockquote[^>]*schema\.skype\.com/Reply[^>]*>.*?</blockquote>",
                           re.IGNORECASE | re.DOTALL)
_PARAGRAPH = re.compile(r"</?(?:p|div|span)(?:\s[^>]*)?>|<br\s*/?>", re.IGNORECASE)


def _typed_text_before(sent: str) -> str:
    unmentioned = _MENTION.sub(" ", sent)
    if _QUOTED_REPLY.search(unmentioned):
        unmentioned = _PARAGRAPH.sub("\n", _QUOTED_REPLY.sub("", unmentioned))
    return html.unescape(unmentioned).replace("\xa0", " ").strip()


FRAGMENTS = ["<at>", '<AT id="0">', "<at ", "<atlas>", "</at>", "</AT>", "Policy Helper", ">", "<", " ", "\n", "\t",
             '<blockquote itemtype="http://schema.skype.com/Reply" itemscope="">', "<blockquote>",
             '<BLOCKQUOTE x="SCHEMA.SKYPE.COM/reply">', "<blockquote ", "schema.skype.com/Reply", "</blockquote>",
             "<p>", "</p>", "<p ", '<P class="x">', "<pre>", "<div>", "</div>", "<span >", "<br>", "<br/>",
             "<br />", "<BR  >", "<br", "<brx>", "&amp;", "&nbsp;", "\xa0", "Can I post photos?", "Ga i?", "x"]
MARKUP = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)


@settings(derandomize=True, database=None, max_examples=3000)
@given(MARKUP)
def test_the_words_typed_are_read_as_before(sent: str) -> None:
    assert _typed_text(sent) == _typed_text_before(sent)


def test_a_teams_reply_with_a_quote_and_a_mention() -> None:
    sent = ('<p><at id="0">Policy Helper</at>&nbsp;</p><blockquote itemscope="" itemtype="http://schema.skype.com/'
            'Reply" itemid="1"><strong>Policy Helper</strong><p>From the policy</p></blockquote><p>Can I post '
            'photos?</p><p>Of the trip</p>')

    assert _typed_text(sent) == "Can I post photos?\n\nOf the trip"
