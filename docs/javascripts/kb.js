// Copy buttons for citations, and the parts of a page citation only the reader's browser knows
// (the page's full address and the day it was accessed). Works with Material's instant loading.
(function () {
  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function completePageCitations() {
    // GB/T 7714 asks for the day the citer consulted an online text; where the record does not
    // say when the text was accessed, the citation leaves [引用日期] for the reader's today.
    document.querySelectorAll(".kb-citation").forEach(function (el) {
      if (el.textContent.indexOf("[引用日期]") >= 0) el.textContent = el.textContent.replace("[引用日期]", "[" + today() + "]");
    });
    document.querySelectorAll(".kb-page-citation").forEach(function (el) {
      if (el.dataset.done) return;
      var url = window.location.href.split("#")[0];
      el.textContent = el.textContent
        .replace(el.dataset.path, url + (el.dataset.anchor ? "#" + el.dataset.anchor : ""))
        .replace("[date]", today());
      el.dataset.done = "1";
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.kb-copy");
    if (!button) return;
    var target = document.getElementById(button.dataset.copy);
    if (!target) return;
    var text = target.textContent.trim();
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  });

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more we can do */ }
    document.body.removeChild(area);
  }

  // Tables written in Markdown (the hand-written pages) scroll sideways inside the theme's wrapper
  // on narrow screens; make the wrapper reachable by keyboard, as the generated tables' wrappers are.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "Table (scrolls sideways)");
    });
  }

  // The home page's year picker: without script the links beside it do the same.
  function yearPickers() {
    document.querySelectorAll("form.kb-year-picker[hidden]").forEach(function (form) {
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        window.location.href = form.querySelector("select").value;
      });
    });
  }

  function setUp() {
    completePageCitations();
    focusableScrollers();
    yearPickers();
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp);  // Material's page-change stream
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
