"""Questions about the policy document itself are told from questions about its rules, in English and Welsh."""

from __future__ import annotations

import json

import pytest

from bot.policy.details import Detail, PolicyDetails
from bot.policy.document_questions import DEFAULT_CUES_FILE, DETAILS, DocumentQuestions, shared_document_questions


@pytest.fixture(scope="module")
def questions() -> DocumentQuestions:
    """The shipped cue file."""
    return shared_document_questions()


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("Who wrote this policy?", "author"),
        ("pwy sgwennodd y polisi?", "author"),
        ("When is the policy next reviewed?", "next_review"),
        ("Pryd mae'r polisi'n cael ei adolygu nesaf?", "next_review"),
        ("is this policy out of date?", "next_review"),
        ("who agreed it?", "agreed_by"),
        ("Pwy gytunodd ar y polisi?", "agreed_by"),
        # "arno" / "arni" ("on it") stand for the document as "it" does in English.
        ("pwy gytunodd arno?", "agreed_by"),
        ("Pwy gymeradwyodd hi?", "agreed_by"),
        ("When was it issued?", "date_of_issue"),
        ("what version is this", "version"),
        ("Pa fersiwn yw hwn?", "version"),
        ("Which schools does the policy cover?", "schools"),
        ("what is the policy called", "title"),
        ("who signed off the policy", "authorisation"),
        ("when is our policy reviewed?", "next_review"),
        ("who actually wrote this document?", "author"),
        ("who wrote the new version?", "author"),
        ("Pryd ddaeth y fersiwn newydd 'ma allan?", "date_of_issue"),
        ("which campuses does this apply to", "schools"),
        ("I ba gampysau mae'r polisi'n berthnasol?", "schools"),
        ("whose policy is this?", "author"),
        ("is a new version of this due soon?", "next_review"),
        ("when is this thing due for a review, it feels old", "next_review"),  # long: "this thing" is not "it"
        ("was the SM policy approved by governors or just the head?", "agreed_by"),
        ("when was the social media policy approved", "date_of_issue"),
        ("Pwy arwyddodd y polisi?", "authorisation"),
        ("is this the newest version?", "version"),
        ("what's the proper name of this document", "title"),
        ("who's the owner of this policy", "author"),
        ("is this the final version or still a draft", "version"),
        ("does this cover the nursery as well or just the main school?", "schools"),
        ("Ydy'r polisi yma'n berthnasol i'r ganolfan iaith hefyd?", "schools"),
        ("Gan bwy gafodd hwn ei gymeradwyo?", "agreed_by"),
        ("which edition are we on", "version"),
        ("is this the 2021 version or a newer one", "version"),
        ("when did v2 come out", "date_of_issue"),  # "v2" names the document, as "the new version" does
        ("when did the current policy come in", "date_of_issue"),  # "the current policy" is "the policy"
        ("pryd ddaeth y polisi presennol i rym?", "date_of_issue"),
        ("who wrote v2?", "author"),
        ("is this policy still in force?", "next_review"),
        ("Ydy'r polisi dal mewn grym?", "next_review"),
        ("when is the policy reviewed if I may ask", "next_review"),
        # "version 2" names the document as "v2" does; "the current version" as "the version" does
        ("When did version 2 come out?", "date_of_issue"),
        ("who agreed version 2?", "agreed_by"),
        ("pwy ysgrifennodd fersiwn 2?", "author"),
        ("pryd ddaeth fersiwn 2 allan?", "date_of_issue"),
        ("when was the current version issued?", "date_of_issue"),
        ("is this version 3 or 4?", "version"),
        ("who put this version together?", "author"),
        ("who's in charge of this policy?", "author"),
        ("When does this policy next get reviewed?", "next_review"),
        ("when does this policy need reviewed", "next_review"),
        ("o bryd mae'r polisi mewn grym?", "date_of_issue"),
        ("Pwy wnaeth fabwysiadu'r polisi yma?", "agreed_by"),
        ("Pwy sy'n awdurdodi'r polisi 'ma?", "authorisation"),
        ("what revision is this policy on", "version"),
        # the same in the Welsh a teacher writes as often: "yw" beside "ydy", "hon" of the version, "o ba bryd"
        ("Ai fersiwn 2 yw hwn?", "version"),
        ("Ai fersiwn 2 ydy hon?", "version"),
        ("O ba bryd mae'r polisi mewn grym?", "date_of_issue"),
        ("Pryd mabwysiadwyd y polisi?", "date_of_issue"),
        ("O bryd mae o mewn grym?", "date_of_issue"),  # the "o" after "mae" is "it", the policy
    ],
)
def test_a_question_about_the_document_names_its_detail(
    questions: DocumentQuestions, question: str, detail: str
) -> None:
    assert questions.detail_asked(question) == detail


@pytest.mark.parametrize(
    "question",
    [
        "Who approves a new class Instagram account?",
        "Do I need the head's authorisation to start a class blog?",
        "Can I post it if the photo was published in the local paper?",
        "Can I be friends with pupils on Facebook?",
        "Ga i rannu lluniau o'r disgyblion ar fy nghyfrif personol?",
        "My consent form has expired, can I still post the photo?",
        "Can I post a new version of my lesson plan?",
        "I'd like to agree our approach to replies: is there guidance on debating critics?",
        "oes rhaid i mi arwyddo rhywbeth i ddeud mod i wedi darllen y polisi?",
        "can i post a draft of the newsletter on the class page before it's final?",
        "does this cover WhatsApp too or just Facebook?",
        "I work in the kitchen at the primary - does the policy apply to me too?",
        "Dw i'n gweithio yn y gegin yn yr ysgol gynradd. "
        "Ydy'r polisi cyfryngau cymdeithasol yn berthnasol i mi hefyd?",
        "Ydy'r polisi'n berthnasol i mi hefyd? Dw i'n gweithio yn yr ysgol gynradd",
        "does this cover what i do at home or only in school",
        "can i share v2 of the sports day video on the class page?",
        # a platform's "sites" are no school's sites (before, "which schools it covers")
        "does the policy cover whatsapp and group chats or is it just the big sites like facebook",
        "Does the policy cover TikTok as well or only sites like Facebook and Instagram?",
        # what came out is an app, not the document (before, the date the document was issued)
        "There's a new platform that came out this month, does the policy still apply to it?",
        "Mae ap newydd wedi dod allan, ydy'r polisi'n dal yn berthnasol?",
        # "still in force" in a situation asks what the rules reach there (before, when the document is reviewed)
        "Is the policy still in force when I'm on holiday abroad?",
        "Ydy'r polisi dal mewn grym pan dwi ar wyliau dramor?",
        "is the policy still valid if I work from home?",
        "Is this policy still current while I'm on maternity leave?",
        "does version 2 cover TikTok?",
        "what changed in version 2?",
        "beth sy wedi newid yn fersiwn 2?",
        "who is in charge of the school instagram?",
        "Pwy yw'r Arweinydd Digidol ar hyn o bryd?",
        "which revision of the rules applies to supply staff?",
        # Welsh "o" is "it" ("gafodd o ei gyhoeddi?") and "from": "o bryd", "mewn grym o" name no document (before,
        # the date the policy was issued)
        "O bryd mae angen caniatâd?",
        "O ba bryd y galla i bostio lluniau?",
        "Ydy'r rheol am luniau mewn grym o hyd?",
    ],
)
def test_a_question_about_the_rules_is_not_about_the_document(questions: DocumentQuestions, question: str) -> None:
    assert questions.detail_asked(question) is None


@pytest.mark.parametrize(("question", "title", "detail"), [
    ("when is the anti-bullying policy next reviewed?", "Social Media Policy for Staff", None),
    ("who wrote the safeguarding policy?", "Social Media Policy for Staff", None),
    ("What version of the acceptable use policy is this?", "Social Media Policy for Staff", None),
    ("who wrote the staff social media policy?", "Social Media Policy for Staff", "author"),
    ("when is the SM policy next due for review", "Social Media Policy for Staff", "next_review"),
    ("who wrote the online conduct policy?", "Staff Online Conduct Policy", "author"),
    ("who wrote the Kestrel Ridge policy?", "Staff Online Conduct Policy Kestrel Ridge Academy", "author"),
    ("when is the new policy next being reviewed?", "Social Media Policy for Staff", "next_review"),
])
def test_a_question_naming_another_policy_is_not_about_this_document(
        questions: DocumentQuestions, question: str, title: str, detail: str | None) -> None:
    """Before, "when is the anti-bullying policy next reviewed?" was told this policy's review date."""
    assert questions.detail_asked(question, title) == detail


def test_the_cue_file_names_only_known_details() -> None:
    with pytest.raises(ValueError, match="unknown document details"):
        DocumentQuestions({"document_words": [], "pronouns": [], "details": {"colour": {"cues": ["colour"]}}})
    shipped = json.loads(DEFAULT_CUES_FILE.read_text(encoding="utf-8"))
    assert set(shipped["details"]) == set(DETAILS)


def test_read_as_and_ignored_words_apply_to_cues_and_questions_alike() -> None:
    raw = {"document_words": ["policy"], "pronouns": [], "read_as": {"the policy": ["our policy"]},
           "ignored": ["actually"], "details": {"author": {"cues": ["who actually wrote our policy"]}}}
    cues = DocumentQuestions(raw)

    assert cues.detail_asked("who wrote the policy") == "author"
    assert cues.detail_asked("who actually wrote our policy?") == "author"
    assert cues.detail_asked("who wrote our class blog?") is None


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("when is it next up for reveiw", "next_review"),  # two letters swapped
        ("when was the polcy aproved?", "date_of_issue"),  # letters dropped
        ("when was this adopted", "date_of_issue"),  # "this" for the document, as "it"
        ("when's it due to be looked at again", "next_review"),  # "when's" is one word, not two
    ],
)
def test_a_typo_or_a_pronoun_does_not_hide_a_question_about_the_document(
    questions: DocumentQuestions, question: str, detail: str
) -> None:
    assert questions.detail_asked(question) == detail


def test_only_swapped_dropped_or_doubled_letters_are_typos() -> None:
    raw = {"document_words": ["policy"], "pronouns": [], "details": {"agreed_by": {"cues": ["who agreed"]}}}
    cues = DocumentQuestions(raw)

    assert cues.detail_asked("who agred the policy") == "agreed_by"
    assert cues.detail_asked("who agrees the class rules") is None  # a changed letter: another word
    # Welsh mutations add and drop letters: a Welsh question is read as typed.
    welsh = DocumentQuestions({"document_words": [], "pronouns": [], "details": {"author": {"cues": ["with"]}}})
    assert welsh.detail_asked("Ydy fy ngwaith i ar y wefan?") is None
    assert welsh.detail_asked("is it wiith you") == "author"


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("was this signed off by the governors?", "agreed_by"),
        ("has the policy been signed off by the board?", "agreed_by"),
        ("which body signed this policy off?", "agreed_by"),
        ("who signed this off?", "authorisation"),
        ("who signed it off for the governors?", "authorisation"),
        ("does my class account need to be signed off by the governors?", None),
        ("can I friend the governors or parents on facebook?", None),
        ("is the policy for governors or just staff?", None),
        ("who signed the policy off - the governing body?", "agreed_by"),  # the body anywhere in the question
        ("Pwy lofnododd y polisi, y llywodraethwyr?", "agreed_by"),
        ("who signed it off for the trustees?", "authorisation"),
        ("who signs off a class account, the governors?", None),
        ("who signs this off?", "authorisation"),  # the present tense, the twenty-fifth round's held-out sets
        ("who signs the class account posts off?", None),
    ],
)
def test_signed_off_by_a_body_asks_who_agreed_it(
    questions: DocumentQuestions, question: str, detail: str | None
) -> None:
    """Staff say "signed off" of the body that agreed a document and of the person who signed it: naming the body
    ("by the governors", "which body") asks for the first; a rule question that names governors stays a rule
    question."""
    assert questions.detail_asked(question) == detail


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("Pwy gadarnhaodd y polisi?", "agreed_by"),  # cadarnhau: to ratify
        ("Ers pryd mae'r polisi mewn grym?", "date_of_issue"),  # since when, not when next
        ("since when has this policy been in force?", "date_of_issue"),
        ("when does this policy take effect?", "date_of_issue"),
        ("who created this policy?", "author"),
        ("is the policy valid until 2027?", "next_review"),
        ("Pa fersiwn o'r polisi sydd mewn grym nawr?", "version"),
        ("which version of the policy is this?", "version"),
        # A translation or another format of the document is not its version: the policy does not say.
        ("is there a Welsh version of this policy?", None),
        ("oes fersiwn Gymraeg o'r polisi?", None),
        ("can I get a large print version of the policy?", None),
        # "approved this policy" is read as "approved the policy", so a cue "approved this" never matched.
        ("which body approved this policy, was it the governors?", "agreed_by"),
        ("the governors approved this policy?", "agreed_by"),
        ("who gave this policy the go ahead?", "agreed_by"),
        ("Pa gorff gytunodd ar y polisi?", "agreed_by"),
        ("Pa gorff a gymeradwyodd y polisi hwn?", "agreed_by"),  # written Welsh keeps the "a"
        ("which body part can I show in photos under the policy?", None),
        ("Pa gorff sy'n delio efo torri'r polisi?", None),
    ],
)
def test_more_ways_staff_ask_about_the_document(
    questions: DocumentQuestions, question: str, detail: str | None
) -> None:
    assert questions.detail_asked(question) == detail


def test_signed_off_is_answered_by_whichever_of_authorisation_and_agreed_by_the_document_gives() -> None:
    title = Detail("Social Media Policy", "Polisi Cyfryngau Cymdeithasol")
    agreed_only = PolicyDetails(title, title, agreed_by=Detail("Trust Board", "Bwrdd yr Ymddiriedolaeth"))
    chair = Detail("Chair of Governors", "Cadeirydd y Llywodraethwyr")
    authorised_only = PolicyDetails(title, title, authorised_by=chair)
    both = PolicyDetails(title, title, agreed_by=Detail("Governing Body", "Corff Llywodraethu"), authorised_by=chair)
    neither = PolicyDetails(title, title)

    assert agreed_only.answering("authorisation") == "agreed_by"
    assert authorised_only.answering("agreed_by") == "authorisation"
    assert both.answering("authorisation") == "authorisation"
    assert both.answering("agreed_by") == "agreed_by"
    assert neither.answering("authorisation") == "authorisation"  # the card says the document does not say
    assert agreed_only.answering("author") == "author"


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("When was the policy last reviewed?", "last_reviewed"),
        ("When was this policy last updated?", "last_reviewed"),
        ("when was it last reviewed?", "last_reviewed"),
        ("has this policy been reviewed since it came out?", "last_reviewed"),
        ("when was the last review of the social media policy?", "last_reviewed"),
        ("what's the date of the last review?", "last_reviewed"),
        ("when was this document last revised?", "last_reviewed"),
        ("Pryd cafodd y polisi ei adolygu ddiwethaf?", "last_reviewed"),
        ("Pryd gafodd hwn ei ddiweddaru ddiwetha?", "last_reviewed"),
        ("Pryd adolygwyd y polisi ddiwethaf?", "last_reviewed"),
        ("Pryd oedd adolygiad diwethaf y polisi?", "last_reviewed"),
        # The Welsh past without "ddiwethaf", not the next review's "ei adolygu".
        ("Pryd cafodd y polisi ei adolygu?", "last_reviewed"),
        ("Pryd gafodd y ddogfen ei hadolygu?", "last_reviewed"),
        ("Pryd cafodd e ei adolygu?", "last_reviewed"),
        ("Pryd cafodd y polisi ei ddiweddaru?", "last_reviewed"),
        ("Pryd wnaethon nhw adolygu'r polisi?", "last_reviewed"),
        ("Pryd oedd yr adolygiad olaf o'r polisi?", "last_reviewed"),
        # "this policy" said the Welsh way, or the policy named in full, with the same past.
        ("Pryd gafodd y polisi hwn ei adolygu?", "last_reviewed"),
        ("Pryd cafodd y Polisi Cyfryngau Cymdeithasol i Staff ei adolygu?", "last_reviewed"),
        ("Pryd gafodd y ddogfen hon ei hadolygu?", "last_reviewed"),
        ("Pryd gafodd hwn ei ddiweddaru?", "last_reviewed"),
        ("Pryd wnaethon nhw ddiweddaru'r polisi?", "last_reviewed"),
        ("Pryd mae'r polisi hwn yn cael ei adolygu nesaf?", "next_review"),
        ("Pryd caiff y polisi ei adolygu?", "next_review"),
        # The next review is still the next review.
        ("When is the policy next reviewed?", "next_review"),
        ("Pryd mae'r polisi'n cael ei adolygu nesaf?", "next_review"),
        ("when will it be updated?", "next_review"),
        ("Pryd fydd y polisi'n cael ei ddiweddaru?", "next_review"),
        # A review that is not the document's.
        ("I mentioned my Facebook page at my last review with my line manager, was that wrong?", None),
        ("my profile picture was last updated in 2019, do I need to change it?", None),
        ("why was the policy reviewed early this time?", None),  # the reasons are in its words
        ("Pam cafodd y polisi ei adolygu'n gynnar?", None),
        ("Pam mae'r polisi'n cael ei adolygu bob blwyddyn?", None),
    ],
)
def test_when_the_document_was_last_reviewed_is_told_from_when_it_is_next_reviewed(
    questions: DocumentQuestions, question: str, detail: str | None
) -> None:
    """ "Pryd cafodd … ei adolygu ddiwethaf" was read as the next review, and "when was it last reviewed?" as a rule
    question."""
    assert questions.detail_asked(question) == detail


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        # "the Meithrin" (the nursery class, called so in English too) is a setting, as "the nursery" is.
        ("Does this cover the Meithrin as well?", "schools"),
        ("does the policy apply to the meithrin class too?", "schools"),
        ("Is the policy for the Meithrin too, or just the main school?", "schools"),
        ("Ydy'r polisi'n cynnwys y Meithrin hefyd?", "schools"),
        ("Ydy'r polisi yma'n berthnasol i'r dosbarth meithrin hefyd?", "schools"),
        # The verb "meithrin" (to build, foster) is no setting: "meithrin perthynas" asks about the rules.
        ("Ydy'r polisi'n cynnwys meithrin perthynas gyda disgyblion hefyd?", None),
        ("Can I post photos of the Meithrin children on the school Facebook page?", None),
    ],
)
def test_the_meithrin_is_read_as_the_nursery_it_is(questions: DocumentQuestions, question: str,
                                                    detail: str | None) -> None:
    """Asked about "the nursery" the bot named the schools the policy covers; asked about "the Meithrin", the Welsh word
    staff use in English too, it quoted the policy's purpose instead."""
    assert questions.detail_asked(question) == detail


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        # A trust that runs schools is a setting, as a federation is: these ask which schools the policy covers.
        ("does it cover the whole trust?", "schools"),
        ("Does the policy cover the academy trust as well?", "schools"),
        ("does this apply to the multi-academy trust too?", "schools"),
        ("is the policy only for the trust?", "schools"),
        ("does it cover other schools in the trust too?", "schools"),
        ("which trust does this policy cover?", "schools"),
        ("what trust is this policy for?", "schools"),
        ("Ydy'r polisi'n berthnasol i'r ymddiriedolaeth gyfan hefyd?", "schools"),
        # Trust between people is no setting: these ask about the rules.
        ("Does the policy cover building trust with pupils online too?", None),
        ("does the policy cover breaches of trust too?", None),
        ("does the policy also cover trust issues online?", None),
        ("does this cover earning the trust of parents as well?", None),
        ("What trust does the policy expect between staff and pupils?", None),
        ("Ydy'r polisi'n cynnwys meithrin ymddiriedaeth gyda disgyblion ar-lein hefyd?", None),
    ],
)
def test_trust_is_a_setting_only_where_it_names_one(questions: DocumentQuestions, question: str,
                                                     detail: str | None) -> None:
    """ "Does the policy cover building trust with pupils online too?" was answered with the schools the policy covers:
    "trust" alone counted as a setting (an academy trust). Now it counts where it names a trust ("the trust", "academy
    trust", "multi-academy trust", "ymddiriedolaeth"), and the trust between people is a question for the policy."""
    assert questions.detail_asked(question) == detail


@pytest.mark.parametrize("question", ["When was this version approved?", "when was the document agreed"])
def test_when_this_version_was_approved_asks_its_date(questions: DocumentQuestions, question: str) -> None:
    """"This version" names the document: asked when it was approved, the answer is its date, not its version."""
    assert questions.detail_asked(question) == "date_of_issue"
