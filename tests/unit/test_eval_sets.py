"""The question sets of `make eval`: every set named for a document exists, and every snippet a question expects is
in that document's words, so a typo in a set cannot pass for a miss of the method."""

from __future__ import annotations

import pytest

from bot.policy.importer import read_document
from eval.run import DOCUMENTS, SETS, _norm, document_file, parse_options, read_cases

DETAILS = {"title", "version", "author", "date_of_issue", "agreed_by", "last_reviewed", "next_review", "schools",
           "authorisation"}


@pytest.mark.parametrize(("document", "name"), [(d, n) for d, names in DOCUMENTS.items() for n in names])
def test_every_expected_snippet_is_in_its_document(document: str, name: str) -> None:
    source = document_file(document)
    # A Word document's words as the importer reads them (paragraphs and table cells), a text file's as written.
    words = " ".join(line.text for line in read_document(source)) if source.suffix == ".docx" else source.read_text(
        encoding="utf-8")
    text = _norm(words)
    cases = read_cases(SETS / f"{name}.jsonl")

    assert cases
    for case in cases:
        assert case.lang in ("en", "cy")
        for snippet in case.expect:
            if snippet.startswith("@details:"):
                assert snippet.removeprefix("@details:") in DETAILS
            else:
                assert _norm(snippet) in text, f"{name}: {case.question!r} expects {snippet!r}"


def test_a_misspelt_set_name_stops_the_evaluation_instead_of_measuring_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_options(["--sets", "2022.en,2022-thirtysevnth.en"])
    assert stopped.value.code == 2
    assert "no such set: 2022-thirtysevnth.en" in capsys.readouterr().err
    assert parse_options(["--sets", "2022.en", "--quick"]).sets == "2022.en"
