// What pages once did in inline handlers, declared with data- attributes instead: the
// Content-Security-Policy allows no inline script, and these work on htmx-swapped content too.
(function () {
  "use strict";

  // <form data-confirm="…">: the browser asks before the form is sent.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.hasAttribute("data-submit-none")) {
      event.preventDefault();
      return;
    }
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // <a data-clear="id">: empties the element with that id (closes a drawn-in panel).
  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element ? event.target.closest("[data-clear]") : null;
    if (!link) return;
    event.preventDefault();
    const panel = document.getElementById(link.getAttribute("data-clear"));
    if (panel) panel.replaceChildren();
  });

  // <… data-forget-draft="key">: a saved form draft is dropped once what it drafted is recorded.
  function forgetDrafts() {
    document.querySelectorAll("[data-forget-draft]").forEach(function (element) {
      try { window.localStorage.removeItem(element.getAttribute("data-forget-draft")); } catch (e) { /* private mode */ }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", forgetDrafts);
  else forgetDrafts();
})();
