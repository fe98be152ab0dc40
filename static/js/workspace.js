/* The student workspace: save answers while the student types, and never lose them.
 *
 * - Saves an answer about 2 s after the last keystroke, when the box loses focus, and when the
 *   page is hidden or closed (fetch keepalive / navigator.sendBeacon).
 * - Keeps a copy of each unsaved answer in localStorage (per user, assignment and prompt) until
 *   the server confirms it, and offers it back after a reload, a crash or an expired session.
 * - Never overwrites work saved elsewhere: a 409 shows both versions and the student chooses.
 * - Shows what happened in a polite live region under each box.
 *
 * The page works without this script: the "Save draft" and "Turn in" buttons post the form.
 */
(function () {
  "use strict";

  var form = document.getElementById("answers-form");
  if (!form) return;

  var SAVE_DELAY = 2000;
  var RETRY_DELAY = 15000;
  var url = form.dataset.autosaveUrl;
  var loginUrl = form.dataset.loginUrl;
  var storagePrefix = "workspace:" + form.dataset.user + ":" + form.dataset.assignment + ":";
  var boxes = [];

  /* --- Small helpers ---------------------------------------------------------------------- */

  function csrfToken() {
    // After logging in again in another tab Django rotates the token, so the cookie is fresher
    // than the one rendered into the page.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function readLocal(box) {
    try {
      var raw = window.localStorage.getItem(storagePrefix + box.prompt);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function writeLocal(box) {
    try {
      window.localStorage.setItem(
        storagePrefix + box.prompt,
        JSON.stringify({ text: box.el.value, base: box.revision, at: new Date().toISOString() })
      );
    } catch (e) {
      /* Private mode or a full quota: the server copy is all we have. */
    }
  }

  function clearLocal(box) {
    try {
      window.localStorage.removeItem(storagePrefix + box.prompt);
    } catch (e) {
      /* nothing to clear */
    }
  }

  function setStatus(box, message, kind, link) {
    var status = box.status;
    status.textContent = message;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-offline", kind === "offline");
    if (link) {
      status.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = link.href;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = link.text;
      status.appendChild(a);
    }
  }

  function setRevision(box, revision) {
    box.revision = revision;
    box.el.dataset.revision = String(revision);
    if (box.hidden) box.hidden.value = String(revision);
  }

  function isDirty(box) {
    return box.el.value !== box.lastSaved;
  }

  /* --- Conflicts: show both versions and let the student choose ---------------------------- */

  function removeConflict(box) {
    var panel = box.card.querySelector(".answer-conflict");
    if (panel) panel.remove();
    box.conflict = null;
  }

  function showConflict(box, serverText, serverRevision, intro) {
    removeConflict(box);
    box.conflict = { text: serverText, revision: serverRevision };
    var panel = document.createElement("div");
    panel.className = "answer-conflict mt-2";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "Two versions of this answer");

    var p = document.createElement("p");
    p.className = "fw-semibold mb-1";
    p.textContent = intro || "This answer was changed somewhere else (another tab or device). Saved elsewhere:";
    panel.appendChild(p);

    var saved = document.createElement("div");
    saved.className = "answer-text conflict-text";
    saved.textContent = serverText;
    panel.appendChild(saved);

    var note = document.createElement("p");
    note.className = "small mt-1 mb-2";
    note.textContent = "Yours is in the box above. Which one do you want to keep?";
    panel.appendChild(note);

    var actions = document.createElement("div");
    actions.className = "d-flex flex-wrap gap-2";
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-sm btn-primary";
    keep.textContent = "Keep mine";
    keep.addEventListener("click", function () {
      setRevision(box, serverRevision);
      removeConflict(box);
      writeLocal(box);
      save(box, { force: true });
      box.el.focus();
    });
    var use = document.createElement("button");
    use.type = "button";
    use.className = "btn btn-sm btn-outline-secondary";
    use.textContent = "Use the saved version";
    use.addEventListener("click", function () {
      box.el.value = serverText;
      box.lastSaved = serverText;
      setRevision(box, serverRevision);
      removeConflict(box);
      clearLocal(box);
      setStatus(box, "Using the saved version.");
      box.el.focus();
    });
    actions.appendChild(keep);
    actions.appendChild(use);
    panel.appendChild(actions);
    box.status.insertAdjacentElement("beforebegin", panel);
    setStatus(box, "Not saved: choose which version to keep.", "error");
  }

  /* --- Saving ----------------------------------------------------------------------------- */

  function schedule(box, delay) {
    window.clearTimeout(box.timer);
    box.timer = window.setTimeout(function () {
      save(box);
    }, delay);
  }

  function payload(box) {
    return { prompt: box.prompt, text: box.el.value, revision: box.revision };
  }

  function save(box, options) {
    options = options || {};
    window.clearTimeout(box.timer);
    if (box.el.disabled || box.conflict) return Promise.resolve();
    if (!options.force && !isDirty(box)) return Promise.resolve();
    if (box.inFlight) {
      box.pending = true;
      return box.inFlight;
    }
    var sent = payload(box);
    var body = JSON.stringify(sent);
    setStatus(box, "Saving…");
    box.inFlight = window
      .fetch(url, {
        method: "POST",
        credentials: "same-origin",
        // Browsers refuse keepalive bodies over 64 KB; a long answer goes as a normal request.
        keepalive: !!options.keepalive && body.length < 60000,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: body,
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            handle(box, response.status, data, sent);
          });
      })
      .catch(function () {
        setStatus(box, "Offline — kept on this device. It will be saved when you are back online.", "offline");
        schedule(box, RETRY_DELAY);
      })
      .then(function () {
        box.inFlight = null;
        if (box.pending) {
          box.pending = false;
          schedule(box, 0);
        }
      });
    return box.inFlight;
  }

  function handle(box, status, data, sent) {
    if (status === 200) {
      setRevision(box, data.revision);
      box.lastSaved = sent.text;
      if (box.el.value === sent.text) {
        clearLocal(box);
        setStatus(box, data.saved_at_display ? "Saved " + data.saved_at_display : "Saved");
      } else {
        writeLocal(box); // typed more while saving: the local copy now builds on the new revision
        schedule(box, SAVE_DELAY);
      }
    } else if (status === 409) {
      showConflict(box, data.text || "", data.revision);
    } else if (status === 401) {
      setStatus(box, "Your session ended — log in again; your text is kept on this device.", "error", {
        href: loginUrl,
        text: "Log in (opens a new tab)",
      });
      box.retryOnFocus = true;
    } else if (status === 400) {
      setStatus(box, "Not saved: " + (data.error || "the answer was refused."), "error");
    } else if (status === 403) {
      // Usually an outdated security token after logging in again elsewhere.
      setStatus(box, "Not saved: reload the page to keep saving; your text is kept on this device.", "error");
      box.retryOnFocus = true;
    } else if (status === 404) {
      setStatus(box, "Not saved: this assignment is no longer open to you; your text is kept on this device.", "error");
    } else {
      setStatus(box, "Not saved: the server had a problem. Trying again soon; your text is kept on this device.", "error");
      schedule(box, RETRY_DELAY);
    }
  }

  function beacon(box) {
    // The page is going away: the response will never be read, so send and forget. The local
    // copy stays until a later page load sees the server has the same text.
    var body = new URLSearchParams();
    body.set("csrfmiddlewaretoken", csrfToken());
    body.set("prompt", String(box.prompt));
    body.set("text", box.el.value);
    body.set("revision", String(box.revision));
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    try {
      window.fetch(url, { method: "POST", credentials: "same-origin", keepalive: true, body: body });
    } catch (e) {
      /* nothing more we can do; the local copy remains */
    }
  }

  function flushAll(options) {
    return Promise.all(
      boxes.map(function (box) {
        return save(box, options);
      })
    );
  }

  /* --- Setup ------------------------------------------------------------------------------ */

  function restore(box) {
    var local = readLocal(box);
    if (!local || typeof local.text !== "string") return;
    if (local.text === box.el.value) {
      clearLocal(box);
      return;
    }
    if (box.el.disabled) return; // turned in: keep the copy, never change what was turned in
    if (local.base === box.revision) {
      // Typed on this device after the last save the server knows of: the local copy is newer.
      box.el.value = local.text;
      setStatus(box, "Restored your unsaved text from this device. Saving…");
      schedule(box, 0);
    } else {
      // The server has a later save from somewhere else: let the student choose.
      var serverText = box.el.value;
      box.el.value = local.text;
      showConflict(box, serverText, box.revision, "This device has text that was not saved, but a newer version was saved elsewhere. Saved version:");
    }
  }

  form.querySelectorAll("textarea.answer-box").forEach(function (el) {
    var prompt = el.dataset.prompt;
    var box = {
      el: el,
      prompt: Number(prompt),
      card: el.closest(".card-body") || el.parentNode,
      status: document.getElementById("status-" + prompt),
      hidden: document.getElementById("revision-" + prompt),
      revision: Number(el.dataset.revision || 0),
      lastSaved: el.value,
      timer: null,
      inFlight: null,
      pending: false,
      conflict: null,
      retryOnFocus: false,
    };
    boxes.push(box);

    // A conflict the server found on a form post: offer the same two buttons.
    var serverPanel = box.card.querySelector(".answer-conflict[data-revision]");
    if (el.dataset.unsaved === "true") {
      // The page came back from a refused form post: the box holds text the server does not
      // have yet. Keep a local copy and save it on the next chance (typing, blur, leaving).
      box.lastSaved = null;
      writeLocal(box);
    }
    if (serverPanel) {
      var text = serverPanel.querySelector(".conflict-text");
      var revision = Number(serverPanel.dataset.revision);
      // The page already set the revision to the saved one; saving means "keep mine".
      box.lastSaved = text ? text.textContent : "";
      showConflict(box, box.lastSaved, revision);
    } else if (box.lastSaved !== null) {
      restore(box);
    }

    el.addEventListener("input", function () {
      writeLocal(box);
      if (!box.conflict) {
        setStatus(box, "Not saved yet…");
        schedule(box, SAVE_DELAY);
      }
    });
    el.addEventListener("blur", function () {
      save(box);
    });
  });

  if (!boxes.length) return;

  form.addEventListener("submit", function (event) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) field.value = csrfToken();
    boxes.forEach(function (box) {
      window.clearTimeout(box.timer);
    });
    var busy = boxes.filter(function (box) {
      return box.inFlight;
    });
    if (busy.length) {
      // Let the running saves finish first so the form posts the revisions they produced.
      event.preventDefault();
      var submitter = event.submitter;
      Promise.all(
        busy.map(function (box) {
          return box.inFlight;
        })
      ).then(function () {
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      });
    }
  });

  window.addEventListener("online", function () {
    flushAll();
  });
  window.addEventListener("focus", function () {
    boxes.forEach(function (box) {
      if (box.retryOnFocus) {
        box.retryOnFocus = false;
        save(box, { force: isDirty(box) });
      }
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll({ keepalive: true });
  });
  window.addEventListener("pagehide", function () {
    boxes.forEach(function (box) {
      if (!box.el.disabled && !box.conflict && isDirty(box)) beacon(box);
    });
  });
})();
