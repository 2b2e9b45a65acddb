// Suggested categories, clicked, become the category of the problem or issue they were made for.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var pick = event.target instanceof Element && event.target.closest("[data-suggest-category]");
    if (!pick) return;
    var scope = pick.closest("[data-suggest-scope]");
    var select = scope && scope.querySelector("select[name$='category']");
    if (!select) return;
    select.value = pick.dataset.suggestCategory;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    pick.parentElement.querySelectorAll("[data-suggest-category]").forEach(function (b) {
      b.classList.toggle("active", b === pick);
    });
  });
})();
