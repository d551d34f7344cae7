/* The header's search box: asks Pagefind's bundle, which the build writes into the site
   (pagefind/: the index in chunks, the page fragments, pagefind.js and its WebAssembly), so
   nothing comes from another host and a search fetches only the chunks its words need.
   Pagefind itself (script, worker, WebAssembly, entry file, index metadata) is loaded when the
   page is idle, before the reader types (preloadWhenIdle), so a first search waits only for
   the chunks and fragments it needs.

   Keyboard: "/" opens the box from anywhere on the page (outside other text fields); typing
   searches; Down moves from the box into the results and Up/Down through them (Tab works too);
   Enter opens the result in focus; Esc closes the box and gives the focus back. The filters
   narrow the results by jurisdiction and by type (instrument types; other pages by kind).
   On a narrow screen the box is behind the magnifier button and opens over the header. */
(function () {
  "use strict";
  var root = document.getElementById("kb-search");
  if (!root) return;
  var opener = document.querySelector(".kb-search-open");
  var form = root.querySelector(".kb-search__form");
  var input = root.querySelector(".kb-search__input");
  var closer = root.querySelector(".kb-search__close");
  var panel = root.querySelector(".kb-search__panel");
  var list = root.querySelector(".kb-search__results");
  var status = root.querySelector(".kb-search__status");
  var selects = Array.prototype.slice.call(root.querySelectorAll(".kb-search__filter"));
  var MAX_RESULTS = 10;
  var loading = null;  // the promise of the initialised Pagefind module
  var busy = false;    // a search is being asked (one at a time, see search())
  var queued = false;  // the box changed while it was: ask again when it is answered

  root.hidden = false;  // the box needs this script: without it, it stays hidden
  if (opener) opener.hidden = false;

  function pagefind() {
    if (!loading) {
      var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
      var siteRoot = new URL(root.getAttribute("data-root"), document.baseURI).pathname;
      loading = import(bundle + "pagefind.js").then(function (pf) {
        return pf.options({
          baseUrl: siteRoot,  // result URLs under the folder the site is served from
          excerptLength: 22,
          // An instrument page carries every name it goes by in its "names" metadata (title,
          // short title, abbreviations, Chinese short names, aliases: from the record); a match
          // there counts four times a match in a page's title, so its own page comes first.
          ranking: { metaWeights: { names: 20, title: 5 } }
        }).then(function () { return pf.init(); }).then(function () { return pf; });
      });
      loading.catch(function () {
        loading = null;
        say("Search could not load. Reload the page to try again.");
      });
    }
    return loading;
  }

  // The filters' values are Pagefind's filter chunks: loaded once, after the first answer has
  // been shown (Pagefind's worker does one thing at a time; the reader waits for the answer).
  var filled = null;
  function fillFiltersOnce() {
    if (!filled) {
      filled = pagefind().then(fillFilters).catch(function () { filled = null; });
    }
    return filled;
  }

  // Load Pagefind before the first keystroke, so that typing waits only for the index chunks
  // the words need: its script, its web worker, its WebAssembly (68 KB), pagefind-entry.json
  // and the index's metadata, all from this site. That starts when the page has finished
  // loading and the browser is idle, or earlier if the reader points at the box, focuses it or
  // presses "/". Not on a connection the reader asked to spare (Save-Data) or a 2G one: there
  // it waits for the reader to come to the box.
  function preloadWhenIdle() {
    var connection = navigator.connection || {};
    if (connection.saveData || /(^|-)2g$/.test(connection.effectiveType || "")) return;
    var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 200); };
    function start() { idle(function () { pagefind(); }, { timeout: 500 }); }
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start, { once: true });
  }

  function fillFilters(pf) {
    return pf.filters().then(function (filters) {
      selects.forEach(function (select) {
        var values = filters[select.getAttribute("data-filter")] || {};
        Object.keys(values).sort().forEach(function (value) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value + " (" + values[value] + ")";
          select.appendChild(option);
        });
      });
    });
  }

  function say(text) { status.textContent = text; }

  // How a name is compared: case, spaces, dots, § and a trailing "(2021)" do not count (as in
  // the validator's rule KB052).
  function key(name) {
    return name.normalize("NFKC").replace(/\s*\([^()]*\)\s*$/, "").replace(/[\s.§]+/g, "").toLowerCase();
  }

  // Among the results shown, a page that goes by exactly the name typed comes first: the ranking
  // weighs words, and a long page that uses every word of a name (the Civil Code on personal
  // information protection) can outrank the law of that name.
  function namedFirst(query, results) {
    var wanted = key(query);
    function named(data) {
      var names = (data.meta.names || "").split(" · ").concat([data.meta.title || ""]);
      return names.some(function (name) { return name && key(name) === wanted; });
    }
    return results.filter(named).concat(results.filter(function (data) { return !named(data); }));
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) {
      if (select.value) filters[select.getAttribute("data-filter")] = select.value;
    });
    return filters;
  }

  // Pagefind's excerpts are escaped text with <mark> around the words found: keep the marks,
  // and put everything else in the page as text.
  function excerpt(html) {
    var span = document.createElement("span");
    span.className = "kb-search__excerpt";
    html.split(/(<mark>.*?<\/mark>)/).forEach(function (part) {
      var marked = /^<mark>(.*)<\/mark>$/.exec(part);
      var text = new DOMParser().parseFromString(marked ? marked[1] : part, "text/html").documentElement.textContent;
      if (!text) return;
      if (marked) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        span.appendChild(mark);
      } else {
        span.appendChild(document.createTextNode(text));
      }
    });
    return span;
  }

  function render(query, results, total) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "kb-search__result";
      link.href = data.url;
      var title = document.createElement("span");
      title.className = "kb-search__title";
      title.textContent = data.meta.title || data.url;
      link.appendChild(title);
      var facts = [data.meta.jurisdiction, data.meta.year, data.meta.type].filter(Boolean);
      if (facts.length) {
        var meta = document.createElement("span");
        meta.className = "kb-search__meta";
        meta.textContent = facts.join(" · ");
        link.appendChild(meta);
      }
      if (data.excerpt) link.appendChild(excerpt(data.excerpt));
      item.appendChild(link);
      list.appendChild(item);
    });
    list.setAttribute("data-query", query);  // what the list answers (for tests and scripts)
    if (!total) say(query ? "Nothing found for “" + query + "”." : "");
    else say(total + (total === 1 ? " page" : " pages") + (total > results.length ? ", the first " + results.length + " shown" : ""));
  }

  // What the box asks: its text and the filters chosen.
  function asking() { return JSON.stringify([input.value.trim(), chosenFilters()]); }

  // One search at a time. Keystrokes that come while Pagefind answers are not queued one by
  // one (each would wait for the one before, and "c", "co", "con"... would each load index
  // chunks): when the answer comes, the box's text as it is then is asked, once. An answer to
  // text the box no longer holds is dropped before its pages' fragments are fetched.
  function search() {
    var query = input.value.trim();
    var filters = chosenFilters();
    if (!query && !Object.keys(filters).length) {
      list.textContent = "";
      list.removeAttribute("data-query");
      say("");
      return;
    }
    openPanel();
    if (busy) { queued = true; return; }
    busy = true;
    var asked = asking();
    pagefind().then(function (pf) {
      return pf.search(query || null, { filters: filters });
    }).then(function (found) {
      if (asked !== asking() || !found) return null;
      var first = found.results.slice(0, MAX_RESULTS);
      return Promise.all(first.map(function (r) { return r.data(); })).then(function (data) {
        if (asked === asking()) render(query, query ? namedFirst(query, data) : data, found.results.length);
        fillFiltersOnce();
      });
    }).catch(function () {
      say("Search failed. Reload the page to try again.");
    }).then(function () {
      busy = false;
      if (queued) { queued = false; search(); }
    });
  }

  function openPanel() { panel.hidden = false; }

  function open() {
    root.classList.add("kb-search--open");
    if (opener) opener.setAttribute("aria-expanded", "true");
    input.focus();
    pagefind();
    if (input.value.trim()) openPanel();
  }

  function close() {
    var wasOpen = root.classList.contains("kb-search--open");
    panel.hidden = true;
    root.classList.remove("kb-search--open");
    if (opener) opener.setAttribute("aria-expanded", "false");
    if (wasOpen && opener && getComputedStyle(opener).display !== "none") opener.focus();
    else input.blur();
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  function editing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  input.addEventListener("input", search);
  input.addEventListener("focus", function () {
    pagefind();
    if (input.value.trim() || Object.keys(chosenFilters()).length) openPanel();
  });
  input.addEventListener("pointerenter", pagefind);
  selects.forEach(function (select) { select.addEventListener("change", search); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) first.click();  // Enter in the box opens the first result
  });
  if (opener) opener.addEventListener("click", open);
  closer.addEventListener("click", close);
  preloadWhenIdle();

  root.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" && (event.target === input || at >= 0) && all.length) {
      event.preventDefault();
      openPanel();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus();
      else all[at - 1].focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !editing(event.target)) {
      event.preventDefault();
      open();
    }
  });

  document.addEventListener("click", function (event) {  // a click elsewhere closes the results
    if (!root.contains(event.target) && !(opener && opener.contains(event.target))) {
      panel.hidden = true;
      root.classList.remove("kb-search--open");
      if (opener) opener.setAttribute("aria-expanded", "false");
    }
  });
})();
