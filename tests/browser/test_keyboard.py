"""A student who uses only the keyboard (Tab, Shift+Tab, Enter, Space, Escape and typing) can do
the whole assignment: skip the navigation, see where focus is at every stop, reach every glossary
word and hear its definition, and answer, save and turn in. Nothing here clicks or fills.
"""

import re

import pytest
from django.urls import reverse

from classroom.models import Response, Submission
from tests.browser.support import expect, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# Where focus is, and whether a sighted keyboard user can see it: an outline or a focus ring
# (box-shadow) that is not transparent, on an element that takes up room on the screen.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const opaque = (color) => !/^transparent$|rgba\\([^)]*,\\s*0\\)$/.test(color);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && opaque(style.outlineColor);
  // A computed box-shadow reads "rgba(r, g, b, a) x y blur spread": a ring has a spread.
  const spread = style.boxShadow.match(/([\\d.]+)px\\s*$/);
  const ring = style.boxShadow !== "none" && spread !== null && parseFloat(spread[1]) > 0
    && opaque(style.boxShadow.replace(/\\)[^)]*$/, ")"));
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    cls: el.className || "",
    text: (el.innerText || el.value || "").trim().slice(0, 40),
    label: el.getAttribute("aria-label") || "",
    indicator: outline || ring,
    width: rect.width,
    height: rect.height,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def describe(stop):
    return f"<{stop['tag']} id={stop['id']!r} class={stop['cls']!r}> {stop['text']!r}"


def is_term(stop):
    return stop["tag"] == "a" and "glossary-term" in stop["cls"]


def is_answer(stop):
    return stop["tag"] == "textarea" and stop["id"].startswith("answer-")


def tab_to(page, wanted, key="Tab", limit=80):
    """Press Tab until the focused element satisfies ``wanted``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        stop = focused(page)
        if wanted(stop):
            return stop
    raise AssertionError(f"{limit} presses of {key} never reached the element")


def tab_round(page, key="Tab", limit=120):
    """Every stop from the top of the page until focus leaves the page (to the address bar,
    which Playwright reports as the body) and comes back: the page must let go of focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stop = focused(page)
        if stop["tag"] == "body":
            return stops
        stops.append(stop)
    raise AssertionError(
        f"Focus never left the page after {limit} presses of {key} (a keyboard trap?): "
        + ", ".join(describe(s) for s in stops[-5:])
    )


@pytest.fixture
def page(new_context, student, assignment):
    page = new_context(student).new_page()
    page.goto(reverse("classroom:workspace", args=[assignment.pk]))
    return page


def test_the_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_main(page):
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()  # out of the way until needed
    page.keyboard.press("Tab")
    stop = focused(page)
    assert stop["text"] == "Skip to main content"
    assert stop["indicator"], describe(stop)
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert stop["width"] > 20 and stop["height"] > 10
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes into the page's content, not back through the navigation.
    page.keyboard.press("Tab")
    inside = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside, describe(focused(page))


def test_tab_order_is_logical_every_stop_shows_focus_and_nothing_traps_it(page, assignment):
    stops = tab_round(page)
    missing = [describe(s) for s in stops if not s["indicator"]]
    assert not missing, f"No visible focus indicator on: {missing}"
    hidden = [describe(s) for s in stops if s["width"] < 1 or s["height"] < 1]
    assert not hidden, f"Focus lands on things that cannot be seen: {hidden}"

    positions = {
        "terms": [i for i, s in enumerate(stops) if is_term(s)],
        "answers": [i for i, s in enumerate(stops) if is_answer(s)],
        "save": [i for i, s in enumerate(stops) if s["text"] == "Save draft"],
        "turn in": [i for i, s in enumerate(stops) if s["text"] == "Turn in"],
    }
    assert len(positions["terms"]) == page.locator("a.glossary-term").count() == 3
    prompts = list(assignment.prompts.all())
    assert [stops[i]["id"] for i in positions["answers"]] == [f"answer-{p.pk}" for p in prompts]
    assert len(positions["save"]) == len(positions["turn in"]) == 1
    # Reading (with its glossary words) → answers in question order → Save → Turn in.
    assert max(positions["terms"]) < min(positions["answers"])
    assert max(positions["answers"]) < positions["save"][0] < positions["turn in"][0]

    # Focus left the page and comes back to the top: Tab again starts at the skip link.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"

    # From there Shift+Tab wraps round to the last stop and walks them all backwards.
    back = tab_round(page, key="Shift+Tab")
    assert [describe(s) for s in back] == [describe(s) for s in reversed(stops)]


def test_glossary_definitions_reach_screen_readers_and_open_with_enter(page, assignment):
    definitions = {t["term"].lower(): t["definition"] for t in assignment.glossary}
    terms = page.locator("main a.glossary-term")
    assert terms.count() == 3
    for term in terms.all():
        word = term.inner_text().lower()
        # aria-describedby names the glossary entry, whose text is the definition...
        target = term.get_attribute("aria-describedby")
        assert page.locator(f"#{target}").inner_text().strip() == definitions[word]
        # ...and that is what the browser's accessibility tree gives a screen reader.
        expect(term).to_have_accessible_description(definitions[word])
        expect(term).to_have_role("link")

    stop = tab_to(page, is_term)
    term = page.locator("a.glossary-term:focus")
    word = stop["text"].lower()
    url = page.url
    page.keyboard.press("Enter")
    popover = page.locator(".term-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(definitions[word])
    expect(term).to_have_attribute("aria-expanded", "true")
    assert page.url == url  # the definition opened in place; the page did not jump
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(term).to_be_focused()
    expect(term).to_have_attribute("aria-expanded", "false")
    # Focus carries on from the word, into the rest of the reading.
    page.keyboard.press("Tab")
    assert focused(page)["text"].lower() != word


def test_a_student_answers_saves_and_turns_in_with_the_keyboard_alone(page, student, assignment):
    prompts = list(assignment.prompts.all())
    stop = tab_to(page, is_answer)
    assert stop["id"] == f"answer-{prompts[0].pk}"
    page.keyboard.type("Typed with the keyboard alone.")
    for prompt in prompts[1:]:
        stop = tab_to(page, is_answer, limit=5)
        assert stop["id"] == f"answer-{prompt.pk}"
        page.keyboard.type(f"Answer {prompt.position}, no mouse.")
    assert tab_to(page, lambda s: s["tag"] == "button", limit=3)["text"] == "Save draft"
    page.keyboard.press("Enter")
    # Autosave may already have stored everything; either way the page says it is saved.
    expect(page.locator(".messages")).to_contain_text(re.compile("Draft saved|already saved"))
    submission = Submission.objects.get(assignment=assignment, student=student)
    assert submission.state == Submission.State.DRAFT
    texts = dict(Response.objects.filter(submission=submission).values_list("prompt_id", "text"))
    assert texts[prompts[0].pk] == "Typed with the keyboard alone."
    assert texts[prompts[-1].pk] == f"Answer {prompts[-1].position}, no mouse."

    # After the page reloads, Tab to "Turn in" and press Space.
    tab_to(page, lambda s: s["text"] == "Turn in")
    page.keyboard.press("Space")
    expect(page.locator(".receipt")).to_contain_text("Turned in")
    wait_for(
        page,
        lambda: Submission.objects.get(pk=submission.pk).state == Submission.State.TURNED_IN,
        message="the work to be turned in",
    )
    submission.refresh_from_db()
    expect(page.locator(".receipt-code")).to_have_text(submission.receipt)
