// Print buttons: <button type="button" data-print hidden>. The button stays hidden unless this
// script runs, so a page without JavaScript never offers a button that does nothing.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
