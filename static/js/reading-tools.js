// Reading tools: read aloud with the browser's own speech (window.speechSynthesis: the text never
// leaves the device), reading settings that apply at once and save in the background, and a
// printed copy of each answer that keeps up with what is typed.
//
// Every control this script drives is `hidden` (or works as a plain form) in the HTML, so a
// browser without speech, or without this script, never shows a button that does nothing.
(function () {
  "use strict";

  // --- Read aloud ----------------------------------------------------------------------------

  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  var canSpeak = !!synth && typeof Utterance === "function" && typeof synth.speak === "function";
  var reducedMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // What is speaking now: one reader (an article) or one prompt, never two at once.
  var active = null;
  // Bumped on every stop, pause or new start, so the end events of cancelled speech are ignored.
  var generation = 0;

  function textOf(element) {
    // The words as a reader sees them, without a glossary pop-up opened inside a paragraph.
    var copy = element.cloneNode(true);
    copy.querySelectorAll(".term-popover, .visually-hidden, [hidden]").forEach(function (node) {
      node.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function sentences(text) {
    // Short utterances: some voices stop after about 15 seconds of one utterance, and a pause
    // resumes at the start of the sentence rather than the start of the paragraph. A stop
    // followed by a space ends a sentence; "2.5" and "1961." at the end do not split oddly.
    var parts = [];
    var pattern = /[.!?…]+["”’)\]]*\s+/g;
    var start = 0;
    var match;
    while ((match = pattern.exec(text))) {
      parts.push(text.slice(start, pattern.lastIndex).trim());
      start = pattern.lastIndex;
    }
    parts.push(text.slice(start).trim());
    return parts.filter(function (part) {
      return part.length > 0;
    });
  }

  function say(text, onDone, onFail) {
    var mine = generation;
    var utterance = new Utterance(text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.addEventListener("end", function () {
      if (mine === generation) onDone();
    });
    utterance.addEventListener("error", function (event) {
      // "interrupted" and "canceled" are this script stopping its own speech.
      if (mine !== generation || event.error === "interrupted" || event.error === "canceled") {
        return;
      }
      onFail(event.error || "error");
    });
    synth.speak(utterance);
  }

  function silence() {
    generation += 1;
    synth.cancel();
  }

  function stopActive() {
    if (active) active.stop("");
  }

  function soon(action) {
    // Some browsers drop an utterance queued in the same moment as a cancel().
    var mine = generation;
    window.setTimeout(function () {
      if (mine === generation) action();
    }, 60);
  }

  function Reader(article, controls) {
    this.article = article;
    this.start = controls.querySelector("[data-read-aloud-start]");
    this.pause = controls.querySelector("[data-read-aloud-pause]");
    this.next = controls.querySelector("[data-read-aloud-next]");
    this.stopButton = controls.querySelector("[data-read-aloud-stop]");
    this.status = controls.querySelector("[data-read-aloud-status]");
    this.blocks = [];
    this.position = { block: 0, sentence: 0 };
    this.paused = false;
    this.highlighted = null;

    var reader = this;
    this.start.addEventListener("click", function () {
      if (reader.start.getAttribute("aria-pressed") === "true") reader.stop("Stopped.");
      else reader.begin();
    });
    this.pause.addEventListener("click", function () {
      if (reader.paused) reader.resume();
      else reader.hold();
    });
    this.next.addEventListener("click", function () {
      reader.skipSection();
    });
    this.stopButton.addEventListener("click", function () {
      reader.stop("Stopped.");
      reader.start.focus();
    });
    controls.hidden = false;
  }

  Reader.prototype.collect = function () {
    // The title, then each section's heading and paragraphs, in reading order.
    var blocks = [];
    var title = this.article.querySelector("header h2, header h3");
    if (title) blocks.push({ element: title, section: -1, label: "" });
    var sectionList = this.article.querySelectorAll("section");
    sectionList.forEach(function (section, index) {
      var heading = section.querySelector("h2, h3, h4");
      var label = heading ? textOf(heading) : "Introduction";
      if (heading) blocks.push({ element: heading, section: index, label: label });
      section.querySelectorAll("p").forEach(function (paragraph) {
        blocks.push({ element: paragraph, section: index, label: label });
      });
    });
    this.sectionCount = sectionList.length;
    return blocks.filter(function (block) {
      block.sentences = sentences(textOf(block.element));
      return block.sentences.length > 0;
    });
  };

  Reader.prototype.begin = function () {
    stopActive();
    silence();
    active = this;
    this.blocks = this.collect();
    this.position = { block: 0, sentence: 0 };
    this.paused = false;
    this.setButtons(true);
    soon(this.speakCurrent.bind(this));
  };

  Reader.prototype.setButtons = function (running) {
    this.start.setAttribute("aria-pressed", running ? "true" : "false");
    this.start.classList.toggle("active", running);
    this.pause.disabled = !running;
    this.next.disabled = !running;
    this.stopButton.disabled = !running;
    this.pause.textContent = this.paused ? "Resume" : "Pause";
  };

  Reader.prototype.highlight = function (element) {
    if (this.highlighted === element) return;
    if (this.highlighted) this.highlighted.classList.remove("reading-now");
    this.highlighted = element;
    if (!element) return;
    element.classList.add("reading-now");
    var box = element.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      element.scrollIntoView({ block: "center", behavior: reducedMotion ? "auto" : "smooth" });
    }
  };

  Reader.prototype.announce = function (message) {
    this.status.textContent = message;
  };

  Reader.prototype.where = function () {
    var block = this.blocks[this.position.block];
    if (!block || block.section < 0) return "the title";
    return "section " + (block.section + 1) + " of " + this.sectionCount + ", “" + block.label + "”";
  };

  Reader.prototype.speakCurrent = function () {
    var reader = this;
    var block = this.blocks[this.position.block];
    if (!block) {
      this.stop("Finished reading.");
      return;
    }
    var announceSection =
      this.position.sentence === 0 &&
      (this.position.block === 0 ||
        this.blocks[this.position.block - 1].section !== block.section);
    if (announceSection) this.announce("Reading " + this.where() + ".");
    this.highlight(block.element);
    say(
      block.sentences[this.position.sentence],
      function () {
        reader.advance();
      },
      function (error) {
        reader.stop("Read aloud stopped: this browser could not speak (" + error + ").");
      }
    );
  };

  Reader.prototype.advance = function () {
    var block = this.blocks[this.position.block];
    if (block && this.position.sentence + 1 < block.sentences.length) {
      this.position.sentence += 1;
    } else {
      this.position = { block: this.position.block + 1, sentence: 0 };
    }
    this.speakCurrent();
  };

  Reader.prototype.hold = function () {
    // Cancel rather than speechSynthesis.pause(): pausing is unreliable on several platforms.
    // Resuming starts the interrupted sentence again.
    silence();
    // A paused reader keeps its place but lets a prompt's Listen button speak meanwhile.
    if (active === this) active = null;
    this.paused = true;
    this.setButtons(true);
    this.announce("Paused at " + this.where() + ". Press Resume to go on.");
  };

  Reader.prototype.resume = function () {
    stopActive();
    silence();
    active = this;
    this.paused = false;
    this.setButtons(true);
    soon(this.speakCurrent.bind(this));
  };

  Reader.prototype.skipSection = function () {
    var current = this.blocks[this.position.block];
    var index = this.position.block;
    while (index < this.blocks.length && current && this.blocks[index].section === current.section) {
      index += 1;
    }
    stopActive();
    silence();
    active = this;
    this.position = { block: index, sentence: 0 };
    this.paused = false;
    this.setButtons(true);
    soon(this.speakCurrent.bind(this));
  };

  Reader.prototype.stop = function (message) {
    if (active === this) {
      silence();
      active = null;
    }
    this.paused = false;
    this.highlight(null);
    this.setButtons(false);
    this.announce(message);
  };

  function Listener(button) {
    this.button = button;
    var card = button.closest(".prompt-card, .handout-prompt, li, .card");
    this.source = card ? card.querySelector(".prompt-text") : null;
    var listener = this;
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") listener.stop();
      else listener.begin();
    });
    button.hidden = !this.source;
  }

  Listener.prototype.begin = function () {
    var listener = this;
    stopActive();
    silence();
    active = this;
    this.button.setAttribute("aria-pressed", "true");
    this.button.classList.add("active");
    var parts = sentences(textOf(this.source));
    var index = 0;
    function next() {
      if (index >= parts.length) {
        listener.stop();
        return;
      }
      say(parts[index++], next, function () {
        listener.stop();
      });
    }
    soon(next);
  };

  Listener.prototype.stop = function () {
    if (active === this) {
      silence();
      active = null;
    }
    this.button.setAttribute("aria-pressed", "false");
    this.button.classList.remove("active");
  };

  if (canSpeak) {
    // Speech left over from another page (some browsers keep talking after a navigation).
    synth.cancel();
    document.querySelectorAll("article.reading").forEach(function (article) {
      var controls = article.querySelector("[data-read-aloud]");
      if (controls) new Reader(article, controls);
    });
    document.querySelectorAll("[data-listen]").forEach(function (button) {
      new Listener(button);
    });
    window.addEventListener("pagehide", function () {
      stopActive();
      synth.cancel();
    });
  }

  // --- Reading settings ------------------------------------------------------------------------

  var SIZE = /^text-size-\d+$/;
  var SPACING = /^line-spacing-[a-z]+$/;

  function csrfToken(form) {
    // The cookie holds the newest token (a login in another tab rotates it); the form's copy
    // may be older.
    var names = form.dataset.csrfCookie
      ? [form.dataset.csrfCookie]
      : ["__Host-csrftoken", "csrftoken"];
    for (var i = 0; i < names.length; i++) {
      var escaped = names[i].replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
      var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + escaped + "=([^;]+)"));
      if (match) return decodeURIComponent(match[1]);
    }
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function checked(form, name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : null;
  }

  function setupSettings(form) {
    var selector = form.dataset.target || "[data-reading-prefs]";
    var status = form.querySelector("[data-reading-settings-status]");
    var saveButton = form.querySelector("[data-reading-settings-save]");
    var sending = false;
    var again = false;

    function apply() {
      var size = checked(form, "text_size");
      var spacing = checked(form, "line_spacing");
      document.querySelectorAll(selector).forEach(function (container) {
        Array.prototype.slice.call(container.classList).forEach(function (name) {
          if ((size && SIZE.test(name)) || (spacing && SPACING.test(name))) {
            container.classList.remove(name);
          }
        });
        if (size) container.classList.add("text-size-" + size);
        if (spacing) container.classList.add("line-spacing-" + spacing);
      });
    }

    function tell(message, isError) {
      status.textContent = message;
      status.classList.toggle("text-danger-emphasis", !!isError);
    }

    function send() {
      if (sending) {
        again = true; // one request at a time, so an older choice never lands last
        return;
      }
      sending = true;
      again = false;
      var body = new URLSearchParams(new FormData(form));
      body.delete("csrfmiddlewaretoken");
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
        body: body,
      })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
          if (!json || response.redirected) {
            tell("Shown on this page, but not saved: log in again to keep this setting.", true);
            return null;
          }
          return response.json().then(function (data) {
            if (response.ok) tell(data.message || "Reading settings saved.", false);
            else tell(data.error || "Reading settings not saved.", true);
          });
        })
        .catch(function () {
          tell("Shown on this page, but not saved yet: no connection. It saves when you are back online.", true);
          window.addEventListener("online", send, { once: true });
        })
        .then(function () {
          sending = false;
          if (again) send();
        });
    }

    if (saveButton) saveButton.hidden = true; // each choice saves itself
    form.addEventListener("change", function () {
      apply();
      send();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
      send();
    });
  }

  document.querySelectorAll("[data-reading-settings-form]").forEach(setupSettings);

  // --- Printed answers ---------------------------------------------------------------------------

  function copyAnswers() {
    document.querySelectorAll("[data-print-answer-for]").forEach(function (copy) {
      var box = document.getElementById(copy.dataset.printAnswerFor);
      if (box) copy.textContent = box.value;
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("answer-box")) copyAnswers();
  });
  window.addEventListener("beforeprint", copyAnswers);
})();
