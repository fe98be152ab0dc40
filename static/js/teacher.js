// Teacher pages. Everything here is an enhancement: each page works without JavaScript.
(function () {
  "use strict";

  // Forms marked data-confirm ask before doing something hard to undo.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Copy buttons: <button data-copy-target="input-id" hidden>. Shown only where copying works.
  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copyTarget);
        navigator.clipboard.writeText(input.value).then(
          function () {
            button.textContent = "Copied";
            window.setTimeout(function () { button.textContent = label; }, 2000);
          },
          function () {
            input.select();
          }
        );
      });
    });
  }

  // Feedback forms (data-unsaved-warning): warn before leaving with typed, unsaved feedback.
  document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
