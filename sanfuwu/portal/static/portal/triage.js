// 待梳理: ticking rows for a batch dispatch, and the co-department pickers' captions.
(function () {
  "use strict";

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll("#triage-list .triage-pick"));
  }

  function refresh() {
    var all = picks();
    var n = all.filter(function (box) { return box.checked; }).length;
    var counter = document.getElementById("picked-count");
    if (counter) counter.textContent = String(n);
    document.querySelectorAll("[data-picked]").forEach(function (el) { el.textContent = String(n); });
    var pickAll = document.getElementById("pick-all");
    if (pickAll) {
      pickAll.checked = all.length > 0 && n === all.length;
      pickAll.indeterminate = n > 0 && n < all.length;
      pickAll.disabled = all.length === 0;
    }
    var bar = document.getElementById("pick-bar");
    if (bar) bar.hidden = n === 0;
    return n;
  }

  function openBatch() {
    var panel = document.getElementById("triage-batch-panel");
    var toggle = document.getElementById("batch-toggle");
    if (panel && !panel.classList.contains("show")) {
      panel.classList.add("show");
      if (toggle) toggle.setAttribute("aria-expanded", "true");
    }
  }

  function caption(menu) {
    var dropdown = menu.closest(".sfw-co");
    var button = dropdown && dropdown.querySelector("[data-bs-toggle]");
    if (!button) return;
    var names = Array.prototype.slice.call(menu.querySelectorAll("input:checked"))
      .map(function (box) { return box.dataset.name; });
    button.textContent = names.length ? names.join("、") : button.dataset.empty;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.id === "pick-all") {
      picks().forEach(function (box) { box.checked = target.checked; });
      if (refresh() > 0) openBatch();
    } else if (target.classList.contains("triage-pick")) {
      if (refresh() > 0) openBatch();
    } else if (target.name === "co_departments") {
      caption(target.closest(".sfw-co-menu"));
    }
  });

  // A suggested department, clicked, becomes the row's lead department (one click accepts it).
  document.addEventListener("click", function (event) {
    var pick = event.target instanceof Element && event.target.closest("[data-suggest-lead]");
    if (!pick) return;
    var select = document.getElementById(pick.dataset.for);
    if (!select) return;
    select.value = pick.dataset.suggestLead;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    pick.parentElement.querySelectorAll("[data-suggest-lead]").forEach(function (b) {
      b.classList.toggle("active", b === pick);
    });
  });

  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("htmx:oobAfterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
  if (document.readyState !== "loading") refresh();
})();
