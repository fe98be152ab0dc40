"""The reading tools in a real browser: read aloud (with a recording stand-in for the browser's
speech, since a test machine has no voices), the controls hidden where there is no speech or no
JavaScript, reading settings that apply at once and persist, and large text that never makes the
page scroll sideways on a phone or at 200% zoom."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from classroom.models import User
from lessons.models import Lesson
from tests import factories
from tests.browser.support import expect, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# speechSynthesis as a recorder: each utterance waits until the test calls __speech.finish(),
# and cancel() interrupts, as the browser's does.
FAKE_SPEECH = """
(() => {
  class FakeUtterance extends EventTarget {
    constructor(text) { super(); this.text = text; this.lang = ""; }
  }
  const spoken = [];
  let current = null;
  let queue = [];
  const synth = {
    speaking: false, paused: false, pending: false,
    speak(utterance) { queue.push(utterance); if (!current) next(); },
    cancel() {
      const dropped = current ? [current, ...queue] : queue;
      current = null; queue = []; synth.speaking = false;
      dropped.forEach((u) => setTimeout(() => {
        const event = new Event("error"); event.error = "interrupted"; u.dispatchEvent(event);
      }, 0));
    },
    pause() {}, resume() {}, getVoices() { return []; },
    addEventListener() {}, removeEventListener() {},
  };
  function next() {
    current = queue.shift() || null;
    synth.speaking = !!current;
    if (current) {
      spoken.push(current.text);
      const started = current;
      setTimeout(() => started.dispatchEvent(new Event("start")), 0);
    }
  }
  window.__speech = {
    spoken,
    current: () => (current ? current.text : null),
    finish() {
      const done = current;
      if (!done) return false;
      current = null; synth.speaking = false;
      done.dispatchEvent(new Event("end"));
      if (!current) next();
      return true;
    },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", {
    value: FakeUtterance, configurable: true, writable: true,
  });
})();
"""

NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
Object.defineProperty(window, "SpeechSynthesisUtterance", { value: undefined, configurable: true });
"""

TITLE = "Who is North Korea’s only ally?"
# tests.factories.READING_BODY, utterance by utterance.
READ_IN_ORDER = [
    TITLE,
    "Intro paragraph about an isolated country and its neighbours.",
    "Why does it matter?",
    "Sanctions limit trade.",
    "Geopolitical reasons explain the alliance.",
    "A second paragraph in the same section.",
]


def workspace(new_context, student, assignment, init_script=FAKE_SPEECH, **options):
    context = new_context(student, **options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(reverse("classroom:workspace", args=[assignment.pk]))
    return page


def now_speaking(page, text):
    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("(text) => window.__speech.current() === text", arg=text)


def finish(page):
    assert page.evaluate("window.__speech.finish()")


def controls(page):
    reading = page.locator("article.reading").first
    return {
        "start": reading.get_by_role("button", name="Read aloud"),
        "pause": reading.locator("[data-read-aloud-pause]"),
        "next": reading.get_by_role("button", name="Next section"),
        "stop": reading.get_by_role("button", name="Stop"),
        "status": reading.locator("[data-read-aloud-status]"),
    }


def test_read_aloud_reads_section_by_section_and_highlights_the_paragraph(
    new_context, student, assignment
):
    page = workspace(new_context, student, assignment)
    c = controls(page)
    expect(c["start"]).to_have_attribute("aria-pressed", "false")
    expect(c["pause"]).to_be_disabled()

    c["start"].click()

    expect(c["start"]).to_have_attribute("aria-pressed", "true")
    now_speaking(page, TITLE)
    expect(c["status"]).to_have_text("Reading the title.")
    finish(page)
    now_speaking(page, READ_IN_ORDER[1])
    expect(page.locator("#intro-p1")).to_have_class("reading-now")
    expect(c["status"]).to_have_text("Reading section 1 of 2, “Introduction”.")
    finish(page)
    now_speaking(page, "Why does it matter?")
    expect(c["status"]).to_have_text("Reading section 2 of 2, “Why does it matter?”.")
    expect(page.locator("#intro-p1")).not_to_have_class("reading-now")
    finish(page)
    now_speaking(page, "Sanctions limit trade.")
    # The whole paragraph is highlighted while each of its sentences is read.
    expect(page.locator("#why-does-it-matter-p1")).to_have_class("reading-now")
    finish(page)
    expect(page.locator("#why-does-it-matter-p1")).to_have_class("reading-now")
    finish(page)
    now_speaking(page, READ_IN_ORDER[-1])
    finish(page)

    expect(c["status"]).to_have_text("Finished reading.")
    expect(c["start"]).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".reading-now")).to_have_count(0)
    assert page.evaluate("window.__speech.spoken") == READ_IN_ORDER


def test_pause_resumes_the_interrupted_sentence_and_stop_ends_it(new_context, student, assignment):
    page = workspace(new_context, student, assignment)
    c = controls(page)
    c["start"].click()
    for _ in range(3):
        page.wait_for_function("() => window.__speech.current() !== null")
        finish(page)
    now_speaking(page, "Sanctions limit trade.")

    c["pause"].click()

    expect(c["pause"]).to_have_text("Resume")
    expect(c["status"]).to_have_text(
        "Paused at section 2 of 2, “Why does it matter?”. Press Resume to go on."
    )
    page.wait_for_function("() => window.__speech.current() === null")
    expect(page.locator("#why-does-it-matter-p1")).to_have_class("reading-now")

    c["pause"].click()

    expect(c["pause"]).to_have_text("Pause")
    now_speaking(page, "Sanctions limit trade.")

    c["stop"].click()

    expect(c["status"]).to_have_text("Stopped.")
    expect(c["start"]).to_have_attribute("aria-pressed", "false")
    expect(c["stop"]).to_be_disabled()
    expect(c["pause"]).to_be_disabled()
    expect(page.locator(".reading-now")).to_have_count(0)
    page.wait_for_function("() => window.__speech.current() === null")
    expect(c["start"]).to_be_focused()


def test_next_section_skips_ahead(new_context, student, assignment):
    page = workspace(new_context, student, assignment)
    c = controls(page)
    c["start"].click()
    now_speaking(page, TITLE)

    c["next"].click()
    now_speaking(page, READ_IN_ORDER[1])
    c["next"].click()
    now_speaking(page, "Why does it matter?")
    c["next"].click()

    expect(c["status"]).to_have_text("Finished reading.")


def test_the_controls_work_from_the_keyboard(new_context, student, assignment):
    page = workspace(new_context, student, assignment)
    c = controls(page)

    c["start"].focus()
    page.keyboard.press("Enter")
    now_speaking(page, TITLE)
    page.keyboard.press("Tab")
    expect(c["pause"]).to_be_focused()
    page.keyboard.press("Space")

    expect(c["pause"]).to_have_text("Resume")
    expect(c["status"]).to_have_attribute("role", "status")
    expect(c["status"]).to_have_attribute("aria-live", "polite")


def test_listen_reads_one_prompt_and_stops_the_article(new_context, student, assignment):
    page = workspace(new_context, student, assignment)
    c = controls(page)
    prompt = assignment.prompts.first()
    listen = page.locator(f"#prompt-{prompt.pk}").get_by_role("button", name="Listen")
    expect(listen).to_have_accessible_name("Listen to question 1")
    c["start"].click()
    now_speaking(page, TITLE)

    listen.click()

    expect(listen).to_have_attribute("aria-pressed", "true")
    expect(c["start"]).to_have_attribute("aria-pressed", "false")
    now_speaking(page, "1.")
    finish(page)
    now_speaking(page, "Prompt 1: explain.")
    finish(page)
    expect(listen).to_have_attribute("aria-pressed", "false")

    listen.click()
    now_speaking(page, "1.")
    listen.click()  # pressed again: stop
    expect(listen).to_have_attribute("aria-pressed", "false")
    page.wait_for_function("() => window.__speech.current() === null")


def test_without_speech_there_are_no_read_aloud_buttons(new_context, student, assignment):
    page = workspace(new_context, student, assignment, init_script=NO_SPEECH)

    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    expect(page.get_by_role("button", name="Read aloud")).to_have_count(0)
    expect(page.get_by_role("button", name="Listen to question 1")).to_have_count(0)
    # The rest of the script still runs: the settings save themselves.
    expect(page.locator("[data-reading-settings-save]")).to_be_hidden()


def test_without_javascript_the_settings_form_posts_and_comes_back(
    new_context, student, assignment
):
    page = workspace(new_context, student, assignment, init_script=None, java_script_enabled=False)
    expect(page.get_by_role("button", name="Read aloud")).to_have_count(0)
    page.locator(".reading-settings summary").click()
    page.get_by_label("Larger").check()
    page.get_by_label("Relaxed").check()

    page.get_by_role("button", name="Save reading settings").click()

    expect(page.locator(".messages")).to_contain_text(
        "Reading settings saved: text size Larger, line spacing Relaxed."
    )
    assert page.url.endswith(reverse("classroom:workspace", args=[assignment.pk]))
    expect(page.locator("[data-reading-prefs]")).to_have_class(
        "row g-4 workspace reading-prefs text-size-130 line-spacing-relaxed"
    )
    student.refresh_from_db()
    assert (student.text_size, student.line_spacing) == (130, "relaxed")


def reading_metrics(page):
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.querySelector('.reading section p'));
            return [parseFloat(style.fontSize), parseFloat(style.lineHeight)];
        }"""
    )


def test_reading_settings_apply_at_once_and_are_saved(new_context, student, assignment):
    page = workspace(new_context, student, assignment)
    size, leading = reading_metrics(page)
    assert (size, leading) == pytest.approx((18, 18 * 1.7), abs=0.5)
    page.locator(".reading-settings summary").click()
    expect(page.locator("[data-reading-settings-save]")).to_be_hidden()

    page.get_by_label("Largest").check()
    page.get_by_label("Loose").check()

    expect(page.locator("[data-reading-prefs]")).to_have_class(
        "row g-4 workspace reading-prefs text-size-150 line-spacing-loose"
    )
    size, leading = reading_metrics(page)
    assert (size, leading) == pytest.approx((27, 27 * 2.4), abs=0.5)
    expect(page.locator("[data-reading-settings-status]")).to_have_text(
        "Reading settings saved: text size Largest, line spacing Loose."
    )

    def saved():
        student.refresh_from_db()
        return (student.text_size, student.line_spacing) == (150, "loose")

    wait_for(page, saved, message="the settings to be saved")
    # They follow the student to the next page load (another device would do the same).
    page.reload()
    expect(page.locator("[data-reading-prefs]")).to_have_class(
        "row g-4 workspace reading-prefs text-size-150 line-spacing-loose"
    )


def test_a_setting_that_cannot_be_saved_still_applies_and_says_so(new_context, student, assignment):
    page = workspace(new_context, student, assignment)
    page.locator(".reading-settings summary").click()
    page.context.set_offline(True)

    page.get_by_label("Larger").check()

    expect(page.locator("[data-reading-prefs]")).to_have_class(
        "row g-4 workspace reading-prefs text-size-130 line-spacing-standard"
    )
    expect(page.locator("[data-reading-settings-status]")).to_contain_text("not saved yet")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    def saved():
        student.refresh_from_db()
        return student.text_size == 130

    wait_for(page, saved, message="the setting to be saved once back online")


@pytest.fixture
def article_assignment(transactional_db, teacher, student):
    """The real article, whose long words and headings are the test of a narrow screen."""
    call_command("loaddata", "north-korea-lesson", verbosity=0)
    classroom = factories.ClassroomFactory(teacher=teacher)
    factories.enroll(classroom, student)
    return factories.make_assignment(classroom, Lesson.objects.get(slug="north-korea-only-ally"))


def scrolls_sideways(page) -> tuple[int, int]:
    return page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
        # A 1280 px laptop at 200% zoom lays out like 640 CSS pixels at twice the density.
        {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
    ],
    ids=["phone-360px", "zoom-200%"],
)
def test_the_largest_text_never_scrolls_sideways(new_context, student, article_assignment, options):
    User.objects.filter(pk=student.pk).update(text_size=150, line_spacing="loose")
    page = workspace(new_context, student, article_assignment, **options)
    expect(page.locator("[data-reading-prefs]")).to_have_class(
        "row g-4 workspace reading-prefs text-size-150 line-spacing-loose"
    )
    assert reading_metrics(page)[0] == pytest.approx(27, abs=0.5)

    scroll_width, client_width = scrolls_sideways(page)
    assert scroll_width <= client_width
    # With the settings and a glossary definition open too.
    page.locator(".reading-settings summary").click()
    page.locator("a.glossary-term").first.click()
    expect(page.locator(".term-popover")).to_be_visible()
    scroll_width, client_width = scrolls_sideways(page)
    assert scroll_width <= client_width
    # No paragraph of the reading is wider than the screen.
    widest = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('.reading p, .reading h2, .reading h3'))"
        ".map((e) => e.getBoundingClientRect().right))"
    )
    assert widest <= client_width


def test_the_teachers_preview_reads_aloud_too(new_context, teacher, lesson):
    context = new_context(teacher)
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(reverse("classroom:lesson-detail", args=[lesson.slug]))
    c = controls(page)

    c["start"].click()
    now_speaking(page, TITLE)
    finish(page)
    now_speaking(page, READ_IN_ORDER[1])
    expect(page.locator("#intro-p1")).to_have_class("reading-now")

    listen = page.get_by_role("button", name="Listen to prompt 2")
    listen.click()
    now_speaking(page, "Prompt 2: explain.")
    expect(c["start"]).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".reading-now")).to_have_count(0)
