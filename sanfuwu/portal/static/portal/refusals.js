// Nothing silent: the browser half of sanfuwu/portal/refusals.py.
// 400/409/422 answers are fragments drawn for the panel that asked, so they are swapped in like a
// 200. Every other refusal carries its reason in X-Sfw-Refusal and is written into the nearest
// [data-sfw-feedback] around what the person clicked, or a banner at the top when there is none.
(function () {
  "use strict";
  if (!window.htmx) return;

  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "400|409|422", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ];

  const texts = {
    network: document.documentElement.lang === "en"
      ? "The server could not be reached. Your action was not completed; check the network and try again."
      : "网络连接失败，您的操作没有完成。请检查网络后重试。",
    login: document.documentElement.lang === "en" ? "Sign in again" : "重新登录",
    fallback: document.documentElement.lang === "en"
      ? "The request was refused. Reload the page and try again."
      : "请求未被接受，请刷新页面后重试。",
  };

  function panelOf(elt) {
    const near = elt && elt.closest ? elt.closest("[data-sfw-feedback]") : null;
    return near || document.getElementById("sfw-page-feedback");
  }

  function slotOf(panel) {
    let slot = panel.querySelector(":scope > .sfw-feedback");
    if (!slot) {
      slot = document.createElement("div");
      slot.className = "sfw-feedback";
      slot.setAttribute("aria-live", "assertive");
      panel.prepend(slot);
    }
    return slot;
  }

  function clear(elt) {
    const panel = panelOf(elt);
    const slot = panel && panel.querySelector(":scope > .sfw-feedback");
    if (slot) slot.replaceChildren();
  }

  function show(elt, reason, loginUrl) {
    const panel = panelOf(elt);
    if (!panel) return;
    const alert = document.createElement("div");
    alert.className = "alert alert-danger sfw-refusal";
    alert.setAttribute("role", "alert");
    alert.textContent = reason;
    if (loginUrl) {
      const link = document.createElement("a");
      link.className = "alert-link ms-2";
      link.href = loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search);
      link.textContent = texts.login;
      alert.append(link);
    }
    slotOf(panel).replaceChildren(alert);
    const box = alert.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) alert.scrollIntoView({ block: "center" });
  }

  function header(xhr, name) {
    const value = xhr.getResponseHeader(name);
    return value === null ? null : decodeURIComponent(value);
  }

  // A form being sent cannot be sent twice: its buttons wait for the answer.
  function buttonsOf(elt) {
    return elt && elt.tagName === "FORM" ? [...elt.querySelectorAll("[type=submit]")] : [];
  }

  document.addEventListener("htmx:beforeRequest", (evt) => {
    clear(evt.detail.elt);
    buttonsOf(evt.detail.elt).forEach((b) => { if (!b.disabled) { b.disabled = true; b.dataset.sfwBusy = "1"; } });
  });

  document.addEventListener("htmx:afterRequest", (evt) => {
    buttonsOf(evt.detail.elt).forEach((b) => { if (b.dataset.sfwBusy) { b.disabled = false; delete b.dataset.sfwBusy; } });
  });

  document.addEventListener("htmx:beforeSwap", (evt) => {
    const xhr = evt.detail.xhr;
    const reason = header(xhr, "X-Sfw-Refusal");
    if (reason === null && !evt.detail.isError) return;
    // Shown here; keeping htmx from also reporting it as an error to the console.
    evt.detail.shouldSwap = false;
    evt.detail.isError = false;
    show(evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.detail.elt,
      reason || texts.fallback, header(xhr, "X-Sfw-Login"));
  });

  document.addEventListener("htmx:sendError", (evt) => show(evt.detail.elt, texts.network));
  document.addEventListener("htmx:timeout", (evt) => show(evt.detail.elt, texts.network));
})();
