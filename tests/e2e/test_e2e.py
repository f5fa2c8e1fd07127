"""The three jobs in a real Teams client (the Agents Playground) driven in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page

from tests.e2e.ui import CARD, card_with, click, send, settle

pytestmark = pytest.mark.e2e


def test_hi_shows_the_welcome_card(pages: Callable[[str], Page]) -> None:
    page = pages("carys")

    send(page, "hi")

    welcome = card_with(page, "Social media policy helper")
    assert welcome.get_by_role("button", name="Ask to use social media").is_visible()


def test_a_question_is_answered_with_the_policys_words(pages: Callable[[str], Page]) -> None:
    page = pages("carys")

    send(page, "Can I be friends with pupils on Facebook?")

    answer = card_with(page, "From the policy")
    assert "friends" in answer.inner_text()
    assert "Social Media Policy, Version 1, 12.10.2022" in answer.inner_text()


def _welcomed(pages: Callable[[str], Page], identity: str) -> Page:
    """A client signed in as `identity` that has said hi (so the bot can reach them) and seen the welcome."""
    page = pages(identity)
    send(page, "hi")
    card_with(page, "Social media policy helper")
    return page


def _choose(page: Page, form: Locator, label: str, option: str) -> None:
    form.get_by_label(label).first.click()
    page.get_by_role("option", name=option).click()


def test_request_approved_in_the_headteachers_client(pages: Callable[[str], Page]) -> None:
    head = _welcomed(pages, "sian")
    staff = pages("carys")
    send(staff, "request permission")
    form = card_with(staff, "Ask the headteacher's permission")

    _choose(staff, form, "Which school", "Llanidloes High School")
    _choose(staff, form, "Which platform", "Instagram")
    form.get_by_role("radio", name="A new school or department account").check()
    form.get_by_label("What it is for").first.fill("Year 9 geography field trip highlights for parents")
    form.get_by_role("checkbox", name="Parents").check()
    form.get_by_role("checkbox", name="None of these").check()
    form.get_by_label("Who moderates it").first.fill("Carys Jenkins")
    _choose(staff, form, "How often it is checked", "Every weekday (what the policy expects)")
    start = form.get_by_label("From").first
    start.fill((date.today() + timedelta(days=7)).strftime("%a %b %d %Y"))
    start.press("Enter")
    staff.keyboard.press("Escape")  # the date picker's calendar may stay open over the fields below
    staff.get_by_role("grid").wait_for(state="hidden")
    form.get_by_role("checkbox", name="Ongoing, no end date").check()
    form.get_by_role("checkbox", name="I have read the rules").check()
    click(form, "Send to the headteacher")
    status = card_with(staff, "Waiting for Mrs Siân Roberts")
    request_id = status.inner_text().split("Request ")[1].split()[0]

    request = card_with(head, f"Request {request_id} ·")
    click(request, "Approve")

    decided = card_with(head, "Approved by Mrs Siân Roberts")
    assert request_id in decided.inner_text()
    assert not decided.get_by_role("button", name="Approve").count()
    assert request_id in card_with(staff, f"Your request {request_id} was approved").inner_text()


def test_report_acknowledged_in_the_line_managers_client(pages: Callable[[str], Page]) -> None:
    manager = _welcomed(pages, "gareth")
    staff = pages("carys")
    send(staff, "report a concern")
    form = card_with(staff, "Tell us privately")
    assert "Who will see it: your line manager, Gareth Hughes." in form.inner_text()

    form.get_by_label("What has been happening").first.fill("Someone in another department keeps messaging me.")
    form.get_by_label("Since when").first.fill("Half term")
    click(form, "Send privately")
    reference = card_with(staff, "It went to Gareth Hughes.").inner_text().split("Your report ")[1].split()[0]
    report = card_with(manager, f"Private report {reference}")
    click(report, "Acknowledge")

    assert "Acknowledged" in card_with(manager, "Acknowledged").inner_text()
    assert reference in card_with(staff, "was acknowledged").inner_text()


def test_a_report_about_the_line_manager_reaches_the_head_not_him(pages: Callable[[str], Page]) -> None:
    manager, head = _welcomed(pages, "gareth"), _welcomed(pages, "sian")
    staff = pages("carys")
    send(staff, "report a concern")
    form = card_with(staff, "Tell us privately")
    assert "your line manager, Gareth Hughes" in form.inner_text()

    about = form.get_by_label("Who is it about?").first
    about.click()
    about.press_sequentially("Gar")
    staff.get_by_role("option", name="Gareth Hughes").click()
    form.get_by_label("What has been happening").first.fill("Comments about my appearance, late at night.")
    click(form, "Send privately")
    receipt = card_with(staff, "It went to Mrs Siân Roberts.")
    reference = receipt.inner_text().split("Your report ")[1].split()[0]

    assert "Gareth Hughes will not see it." in receipt.inner_text()
    assert "Comments about my appearance" in card_with(head, f"Private report {reference}").inner_text()
    settle(manager, quiet_ms=2_000)
    assert not any(reference in text for text in manager.locator(".ac-adaptiveCard").all_inner_texts())


def test_opening_the_bot_welcomes_the_person_once(pages: Callable[[str], Page]) -> None:
    """The Playground, as Teams, sends a conversationUpdate and an installationUpdate for one install: one welcome."""
    page = pages("owain")

    settle(page, quiet_ms=3_000)

    welcomes = [shown for shown in page.locator(CARD).all_inner_texts()
                if "Social media policy helper" in shown]
    assert len(welcomes) == 1
