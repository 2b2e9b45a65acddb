// The visit form on a phone: chosen targets stay put while searching, problems are added one by one,
// and everything typed is kept in a local draft until the visit is recorded.
(function () {
  "use strict";
  const form = document.getElementById("visit-form");
  if (!form) return;
  const key = form.dataset.draftKey;
  const chosen = document.getElementById("target-chosen");
  const results = document.getElementById("target-results");
  const problems = document.getElementById("problems");
  const total = form.querySelector("[name=problems-TOTAL_FORMS]");
  const template = document.getElementById("problem-template");

  function numberProblems() {
    problems.querySelectorAll(".problem-number").forEach((el, i) => { el.textContent = String(i + 1); });
  }

  function addProblem() {
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    problems.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    numberProblems();
    if (window.htmx) window.htmx.process(problems.lastElementChild);
    return problems.lastElementChild;
  }

  // The problems split from the notes, as confirmed or edited, each becomes a problem of the form;
  // an empty first problem is filled rather than left standing.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-split-add]");
    if (!button) return;
    const panel = button.closest("[data-split]");
    panel.querySelectorAll("[data-split-row]").forEach((row) => {
      if (!row.querySelector("[data-split-keep]").checked) return;
      const text = row.querySelector("[data-split-text]").value.trim();
      if (!text) return;
      const blank = Array.from(problems.querySelectorAll(".problem")).find(
        (p) => !p.querySelector("textarea[name$='description']").value.trim()
      );
      const problem = blank || addProblem();
      problem.querySelector("textarea[name$='description']").value = text;
      const select = problem.querySelector("select[name$='category']");
      if (select) select.value = row.querySelector("[data-split-category]").value;
    });
    panel.remove();
    save();
  });

  document.getElementById("add-problem").addEventListener("click", () => {
    const added = addProblem();
    added.querySelector("textarea").focus();
    save();
  });
  problems.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-problem");
    if (!button) return;
    // Formset indexes may have gaps: an empty problem is ignored by the server.
    button.closest(".problem").remove();
    numberProblems();
    save();
  });

  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.name !== "targets") return;
    const option = box.closest(".target-option");
    (box.checked ? chosen : results).prepend(option);
  });

  function save() {
    const data = { fields: {}, problems: Number(total.value), targets: [] };
    for (const el of form.elements) {
      if (!el.name || el.type === "file" || el.type === "hidden" || el.name === "q" || el.name === "targets") continue;
      if (el.type === "checkbox") {
        if (el.checked) (data.fields[el.name] = data.fields[el.name] || []).push(el.value);
      } else if (el.multiple) {
        data.fields[el.name] = Array.from(el.selectedOptions, (o) => o.value);
      } else {
        data.fields[el.name] = el.value;
      }
    }
    chosen.querySelectorAll(".target-option").forEach((option) => data.targets.push(option.outerHTML));
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }

  function restore() {
    let data;
    try { data = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { data = null; }
    if (!data) return false;
    while (Number(total.value) < data.problems) addProblem();
    if (data.targets.length) {
      chosen.innerHTML = data.targets.join("");
      chosen.querySelectorAll("input").forEach((box) => {
        box.checked = true;
        results.querySelector(`input[value="${box.value}"]`)?.closest(".target-option")?.remove();
      });
    }
    for (const el of form.elements) {
      if (!el.name || !(el.name in data.fields) || el.type === "file") continue;
      const value = data.fields[el.name];
      if (el.type === "checkbox") el.checked = value.includes(el.value);
      else if (el.multiple) Array.from(el.options).forEach((o) => { o.selected = value.includes(o.value); });
      else el.value = value;
    }
    return true;
  }

  // The result of a problem solved on the spot is asked for only when it was, and the raiser's
  // rating on the spot only when they were told there.
  function showResolutions() {
    problems.querySelectorAll(".problem").forEach((fieldset) => {
      const solved = fieldset.querySelector("input[name$='-solved']");
      const told = fieldset.querySelector("input[name$='-told_on_spot']");
      const rating = fieldset.querySelector("input[name$='-spot_rating']");
      const show = (el, on) => { if (el) el.closest(".mb-3").classList.toggle("d-none", !on); };
      if (!solved) return;
      show(fieldset.querySelector("textarea[name$='-resolution']"), solved.checked);
      show(told, solved.checked);
      show(rating, solved.checked && told && told.checked);
    });
  }
  problems.addEventListener("change", showResolutions);
  document.getElementById("add-problem").addEventListener("click", showResolutions);

  numberProblems();
  // A form sent back with errors holds what the server kept; only a fresh form takes the draft.
  if (form.dataset.bound === "0" && restore()) {
    document.getElementById("draft-restored").classList.remove("d-none");
  }
  document.getElementById("draft-discard").addEventListener("click", (event) => {
    event.preventDefault();
    localStorage.removeItem(key);
    window.location.reload();
  });
  showResolutions();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
