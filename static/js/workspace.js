/* The student workspace: save answers while the student types, and never lose them.
 *
 * - Saves an answer about 2 s after the last keystroke, when the box loses focus, and when the
 *   page is hidden or closed (fetch keepalive / navigator.sendBeacon).
 * - Keeps a copy of each unsaved answer in localStorage (per user, assignment, prompt and tab)
 *   until the server confirms it, and offers it back after a reload, a crash, lost Wi-Fi or an
 *   expired session. Unsaved copies are retried on the `online` event, on focus and every 15 s.
 * - An expired session answers 401: the text stays on this device and is sent once the student
 *   has logged in again (in another tab); an outdated security token is fetched afresh.
 * - Never overwrites work saved elsewhere: a 409 shows both versions and the student chooses.
 *   "Keep mine" tells the server, which keeps the overwritten text as an earlier version.
 * - Logging out from this page first saves what is unsaved; copies that could not be saved stay
 *   on the device (only confirmed saves are ever removed).
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
  var LOGOUT_WAIT = 5000;
  var url = form.dataset.autosaveUrl;
  var loginUrl = form.dataset.loginUrl;
  var csrfCookie = form.dataset.csrfCookie || "csrftoken";
  var storagePrefix = "workspace:" + form.dataset.user + ":" + form.dataset.assignment + ":";
  var tabId = currentTabId();
  var pageToken = null;
  var boxes = [];

  /* --- Small helpers ---------------------------------------------------------------------- */

  function currentTabId() {
    // Two tabs on one device each keep their own copy, so neither overwrites the other's
    // unsaved text. A reload keeps the tab's id (sessionStorage lives as long as the tab).
    var id = null;
    try {
      id = window.sessionStorage.getItem("workspace-tab");
      if (!id) {
        id = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
        window.sessionStorage.setItem("workspace-tab", id);
      }
    } catch (e) {
      id = id || Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    }
    return id;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function csrfToken() {
    // After logging in again in another tab Django rotates the token, so the cookie (when the
    // script may read it) is fresher than the one rendered into the page.
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + escapeRegExp(csrfCookie) + "=([^;]+)"));
    if (match) return decodeURIComponent(match[1]);
    if (pageToken) return pageToken;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function refreshToken() {
    // The workspace page itself (a GET changes nothing) carries a current token.
    return window
      .fetch(form.action, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var input = doc.querySelector("input[name=csrfmiddlewaretoken]");
        if (input && input.value) {
          pageToken = input.value;
          form.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (field) {
            field.value = pageToken;
          });
        }
      })
      .catch(function () {
        /* offline: the next retry tries again */
      });
  }

  function storageKey(box) {
    return storagePrefix + box.prompt + ":" + tabId;
  }

  function localCopies(box) {
    // Every copy of this answer on this device: this tab's, other tabs', and ones left behind
    // by a crash. The key without a tab id is the format of earlier versions of this script.
    var copies = [];
    var prefix = storagePrefix + box.prompt + ":";
    var legacy = storagePrefix + box.prompt;
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && (key.indexOf(prefix) === 0 || key === legacy)) {
          var value = JSON.parse(window.localStorage.getItem(key));
          if (value && typeof value.text === "string") {
            value.key = key;
            copies.push(value);
          }
        }
      }
    } catch (e) {
      /* storage unavailable or a damaged entry: nothing to restore */
    }
    // Newest first.
    copies.sort(function (a, b) {
      return String(b.at || "").localeCompare(String(a.at || ""));
    });
    return copies;
  }

  function writeLocal(box) {
    try {
      window.localStorage.setItem(
        storageKey(box),
        JSON.stringify({
          text: box.el.value,
          // The revision this text builds on. While a conflict is open it is the older one,
          // so a reload shows the conflict again instead of silently overwriting.
          base: box.conflict ? box.conflict.base : box.revision,
          keep: box.keepMine || undefined,
          at: new Date().toISOString(),
        })
      );
    } catch (e) {
      /* Private mode or a full quota: the server copy is all we have. */
    }
  }

  function removeKey(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (e) {
      /* nothing to clear */
    }
  }

  function clearLocal(box) {
    removeKey(storageKey(box));
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

  function setKeepField(box, revision) {
    // The no-JavaScript form's "keep mine" marker, so "Save draft" after choosing "Keep mine"
    // keeps the overwritten version too.
    var field = document.getElementById("keep-" + box.prompt);
    if (revision === null) {
      if (field) field.remove();
      return;
    }
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "keep-" + box.prompt;
      field.id = "keep-" + box.prompt;
      box.hidden.insertAdjacentElement("afterend", field);
    }
    field.value = String(revision);
  }

  function isDirty(box) {
    return box.el.value !== box.lastSaved;
  }

  function canSave(box) {
    return !box.el.disabled && !box.conflict && isDirty(box);
  }

  /* --- Conflicts: show both versions and let the student choose ---------------------------- */

  function removeConflict(box) {
    var panel = box.card.querySelector(".answer-conflict");
    if (panel) panel.remove();
    box.conflict = null;
  }

  function showConflict(box, serverText, serverRevision, base, intro) {
    removeConflict(box);
    box.conflict = { text: serverText, revision: serverRevision, base: base };
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
      setKeepField(box, serverRevision);
      removeConflict(box);
      box.keepMine = true;
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
      setKeepField(box, null);
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
    var data = { prompt: box.prompt, text: box.el.value, revision: box.revision };
    if (box.keepMine) data.keep_mine = true;
    return data;
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
            return handle(box, response.status, data, sent);
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
      box.refused = null;
      box.tokenRetried = false;
      if (sent.keep_mine) {
        box.keepMine = false;
        setKeepField(box, null);
      }
      if (box.el.value === sent.text) {
        clearLocal(box);
        setStatus(box, data.saved_at_display ? "Saved " + data.saved_at_display : "Saved");
      } else {
        writeLocal(box); // typed more while saving: the local copy now builds on the new revision
        schedule(box, SAVE_DELAY);
      }
    } else if (status === 409) {
      showConflict(box, data.text || "", data.revision, sent.revision);
      writeLocal(box);
    } else if (status === 401) {
      setStatus(box, "Your session ended — log in again; your text is kept on this device and saved once you have.", "error", {
        href: loginUrl,
        text: "Log in (opens a new tab)",
      });
    } else if (status === 400) {
      // Refused as it is (too long, closed, turned in): retrying the same text cannot help,
      // so wait for the student to change it. The local copy stays.
      box.refused = sent.text;
      setStatus(box, "Not saved: " + (data.error || "the answer was refused.") + " Your text is kept on this device.", "error");
    } else if (status === 403 && !box.tokenRetried) {
      // Usually an outdated security token after logging in again elsewhere: fetch a fresh one.
      box.tokenRetried = true;
      return refreshToken().then(function () {
        box.pending = true;
      });
    } else if (status === 403) {
      setStatus(box, "Not saved: " + (data.error || "reload the page to keep saving.") + " Your text is kept on this device.", "error");
    } else if (status === 404) {
      box.refused = sent.text;
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
    if (box.keepMine) body.set("keep_mine", "true");
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

  function retryUnsaved() {
    boxes.forEach(function (box) {
      if (canSave(box) && !box.inFlight && box.el.value !== box.refused) save(box);
    });
  }

  /* --- Setup ------------------------------------------------------------------------------ */

  function restore(box) {
    var copies = localCopies(box).filter(function (copy) {
      if (copy.text !== box.el.value) return true;
      removeKey(copy.key); // the server already has this text
      return false;
    });
    if (!copies.length) return;
    if (box.el.disabled) {
      // Turned in (or closed): never change what was turned in, and keep the copy.
      setStatus(box, "This device has text for this answer that was never saved. Unsubmit to get it back.", "offline");
      return;
    }
    // This tab adopts the newest copy; older ones stay on the device for a later visit.
    var local = copies[0];
    var serverText = box.el.value;
    box.el.value = local.text;
    if (local.base === box.revision) {
      // Typed on this device after the last save the server knows of: the local copy is newer.
      box.keepMine = local.keep === true;
      writeLocal(box);
      setStatus(box, "Restored your unsaved text from this device. Saving…");
      schedule(box, 0);
    } else {
      // The server has a later save from somewhere else: let the student choose. The form
      // keeps the old base, so "Save draft" without choosing is refused as a conflict too.
      var serverRevision = box.revision;
      var base = typeof local.base === "number" ? local.base : -1;
      setRevision(box, base);
      showConflict(box, serverText, serverRevision, base, "This device has text that was not saved, but a newer version was saved elsewhere. Saved version:");
      writeLocal(box);
    }
    if (local.key !== storageKey(box)) removeKey(local.key);
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
      keepMine: false,
      refused: null,
      tokenRetried: false,
    };
    boxes.push(box);

    // A conflict the server found on a form post: offer the same two buttons.
    var serverPanel = box.card.querySelector(".answer-conflict[data-revision]");
    if (el.dataset.unsaved === "true") {
      // The page came back from a refused form post: the box holds text the server does not
      // have yet. Keep a local copy and save it on the next chance (typing, blur, leaving).
      box.lastSaved = null;
    }
    if (serverPanel) {
      var text = serverPanel.querySelector(".conflict-text");
      var revision = Number(serverPanel.dataset.revision);
      // The page already set the revision to the saved one; saving means "keep mine".
      box.lastSaved = text ? text.textContent : "";
      // -1: this text's own base is unknown, so a reload shows the conflict again.
      showConflict(box, box.lastSaved, revision, -1);
      writeLocal(box);
    } else if (box.lastSaved === null) {
      writeLocal(box);
    } else {
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

  // Logging out: save what is unsaved first. Copies the server has confirmed are already gone;
  // any that could not be saved stay on this device, to be restored at the next login here.
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (logout) {
    logout.addEventListener("submit", function (event) {
      var unsaved = boxes.filter(canSave);
      if (!unsaved.length || logout.dataset.flushing) return;
      event.preventDefault();
      logout.dataset.flushing = "true";
      var done = false;
      function finish() {
        if (done) return;
        done = true;
        var left = boxes.filter(canSave).length;
        if (
          left &&
          !window.confirm(
            "Some answers could not be saved to the server yet. They stay on this device and are saved the next time you open this work here. Log out anyway?"
          )
        ) {
          delete logout.dataset.flushing;
          return;
        }
        logout.submit();
      }
      Promise.all(
        unsaved.map(function (box) {
          return save(box);
        })
      ).then(finish, finish);
      window.setTimeout(finish, LOGOUT_WAIT);
    });
  });

  window.addEventListener("online", retryUnsaved);
  window.addEventListener("focus", retryUnsaved);
  window.setInterval(retryUnsaved, RETRY_DELAY);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll({ keepalive: true });
  });
  window.addEventListener("pagehide", function () {
    boxes.forEach(function (box) {
      if (canSave(box)) beacon(box);
    });
  });
})();
