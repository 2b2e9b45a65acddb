// 办结后续: choosing an answer template puts its text in the box to edit; "全选本页" ticks every
// row that may be chosen (a row that cannot close yet stays unticked).
(function () {
  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches("[data-aftercare-template]")) {
      const option = el.options[el.selectedIndex];
      const box = document.getElementById("id_text");
      if (option && box && option.dataset.text) box.value = option.dataset.text;
    }
    if (el.matches("[data-select-all]")) {
      const form = el.dataset.selectAll;
      document.querySelectorAll(`input[data-row-check][form="${form}"]:not(:disabled)`).forEach((box) => {
        box.checked = el.checked;
      });
    }
  });
})();
