// Glossary words in a reading show their definition right where they are, so a student never
// loses their place. Without JavaScript the same links jump to the glossary list instead, and
// screen readers already hear the definition through aria-describedby.
(function () {
  "use strict";
  var open = null;

  function close() {
    if (!open) return;
    open.term.setAttribute("aria-expanded", "false");
    open.box.remove();
    open = null;
  }

  function show(term) {
    var id = term.getAttribute("href").slice(1);
    var definition = document.getElementById(id + "-definition");
    var heading = document.getElementById(id);
    if (!definition || !heading) return false;
    var box = document.createElement("span");
    box.className = "term-popover";
    box.id = id + "-popover";
    box.setAttribute("role", "note");
    var title = document.createElement("strong");
    title.textContent = heading.textContent + ": ";
    box.appendChild(title);
    box.appendChild(document.createTextNode(definition.textContent));
    term.insertAdjacentElement("afterend", box);
    term.setAttribute("aria-expanded", "true");
    open = { term: term, box: box };
    return true;
  }

  document.addEventListener("click", function (event) {
    var term = event.target.closest ? event.target.closest("a.glossary-term") : null;
    if (!term) {
      if (!(event.target.closest && event.target.closest(".term-popover"))) close();
      return;
    }
    var same = open && open.term === term;
    close();
    if (!same && show(term)) event.preventDefault();
    else if (same) event.preventDefault();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      var term = open.term;
      close();
      term.focus();
    }
  });
})();
