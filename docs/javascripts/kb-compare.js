// The side-by-side comparison on /compare/: two to four instruments chosen by the reader, kept in
// the address (?ids=a,b,c) so the view can be shared, reloaded and cited. The data comes from
// the site's own download (downloads/kb.json). It starts with nothing chosen and offers suggested
// comparisons (links carrying ?ids=); a plain form's ?ids=a&ids=b is read as well. Without script
// the page shows the seed comparison and a <noscript> note says why.
// Every text from the data is inserted with textContent: nothing from the records becomes markup.
(function () {
  var root, data, byId, messages;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function readIds() {
    var raw = new URLSearchParams(window.location.search).getAll("ids");
    if (!raw.length) return [];
    return raw.join(",").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function choose(requested) {
    var max = parseInt(root.dataset.max, 10), notes = [], seen = [];
    var unknown = requested.filter(function (id) { return !byId[id]; });
    requested.forEach(function (id) { if (byId[id] && seen.indexOf(id) === -1) seen.push(id); });
    if (unknown.length) notes.push("Unknown instrument id" + (unknown.length > 1 ? "s" : "") + ": " + unknown.join(", ") + ". Check the address, or choose from the list.");
    if (seen.length > max) { notes.push("At most " + max + " instruments can be compared; showing the first " + max + "."); seen = seen.slice(0, max); }
    if (seen.length === 1) notes.push("Choose at least one more instrument to compare.");
    return { ids: seen, notes: notes };
  }

  function answerTerm(id) { return data.terms[id] || { label: { en: id }, icon: "" }; }

  function cell(instrument, question) {
    var f = instrument.findings[question.id];
    var term = answerTerm(f.answer);
    var td = el("td", { className: "kb-cell kb-cell--" + f.answer + (f.gap ? " kb-cell--gap" : "") });
    td.appendChild(el("span", { className: "kb-answer kb-answer--" + f.answer }, [
      el("span", { className: "kb-icon", "aria-hidden": "true", text: term.icon || "" }), " " + term.label.en]));
    if (f.gap) {
      td.appendChild(document.createTextNode(" "));
      td.appendChild(el("span", { className: "kb-gap", title: question.gap_meaning.en }, [
        el("span", { className: "kb-icon", "aria-hidden": "true", text: "⚠" }), " Gap"]));
    }
    var provisions = f.cite.map(function (pid) { return instrument.provisionsById[pid]; });
    if (provisions.length) {
      td.appendChild(el("br"));
      var rests = el("span", { className: "kb-rests" });
      provisions.forEach(function (p, n) {
        if (n) rests.appendChild(document.createTextNode(", "));
        rests.appendChild(el("a", { className: "kb-cite", href: root.dataset.base + p.anchor, text: p.label.en }));
      });
      td.appendChild(rests);
    }
    if (f.summary) td.appendChild(el("div", { className: "kb-summary-line", text: f.summary.en }));
    if (provisions.length) {
      var words = el("details", { className: "kb-why" }, [el("summary", { text: "Operative words" })]);
      provisions.forEach(function (p) {
        var line = el("p", {}, [el("strong", { text: p.label.en })]);
        if (instrument.language !== "en" && p.text[instrument.language]) {
          line.appendChild(document.createTextNode(" "));
          line.appendChild(el("span", { lang: "zh-Hans", text: p.text[instrument.language] }));
        }
        line.appendChild(document.createTextNode(" " + p.text.en));
        words.appendChild(line);
      });
      td.appendChild(words);
    }
    if (f.note) td.appendChild(el("details", { className: "kb-why" }, [el("summary", { text: "Note" }), el("p", { text: f.note.en })]));
    return td;
  }

  function render(ids) {
    var chosen = ids.map(function (id) { return byId[id]; });
    var table = document.getElementById("side-by-side");
    table.textContent = "";
    root.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = ids.indexOf(box.value) !== -1; });
    var empty = !chosen.length;
    table.closest(".kb-table-wrap").hidden = empty;
    root.querySelector(".kb-compare-empty").hidden = !empty;
    root.querySelectorAll(".kb-download-csv, .kb-share, .kb-compare-clear").forEach(function (b) { b.disabled = empty; });
    if (empty) return;
    table.appendChild(el("caption", { text: "Side by side: " + chosen.map(function (i) { return i.short_title; }).join(", ") }));
    var head = el("tr", {}, [el("th", { scope: "col", text: "Question" })]);
    chosen.forEach(function (i) {
      head.appendChild(el("th", { scope: "col" }, [
        el("a", { href: root.dataset.base + i.url, text: i.short_title }), el("br"),
        el("span", { className: "kb-meta-line", text: i.jurisdiction + " · " + i.dates.adopted.slice(0, 4) + " · " + (i.legal_force === "binding" ? "Binding" : "Non-binding") })]));
    });
    table.appendChild(el("thead", {}, [head]));
    data.framework.forEach(function (d) {
      var body = el("tbody", {}, [el("tr", { className: "kb-group" }, [el("th", { scope: "colgroup", colspan: String(chosen.length + 1), text: d.title.en })])]);
      d.questions.forEach(function (q) {
        var row = el("tr", {}, [el("th", { scope: "row" }, [el("abbr", { title: q.text.en, text: q.short.en })])]);
        chosen.forEach(function (i) { var td = cell(i, q); td.setAttribute("data-label", i.short_title); row.appendChild(td); });
        body.appendChild(row);
      });
      table.appendChild(body);
    });
  }

  function show(notes) { messages.textContent = notes.join(" "); messages.hidden = !notes.length; }

  function update(requested, push) {
    var choice = choose(requested);
    render(choice.ids);
    show(choice.notes);
    var url = new URL(window.location.href);
    url.searchParams.delete("ids");
    var rest = url.searchParams.toString();  // ids keep their commas unescaped: a readable address
    var ids = choice.ids.map(encodeURIComponent).join(",");
    url.search = (choice.ids.length ? "ids=" + ids : "") + (rest ? (choice.ids.length ? "&" : "") + rest : "");
    window.history[push ? "pushState" : "replaceState"](null, "", url.toString());
    root.current = choice.ids;
    if (window.kbPrintMargins) window.kbPrintMargins();
  }

  function csvCell(value) {
    var text = value == null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;  // never a spreadsheet formula
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function downloadCsv() {
    var header = ["question_id", "question", "instrument_id", "instrument", "answer", "gap", "cite", "quote_original",
                  "quote_en", "note", "page", "citation"];
    var lines = [header.join(",")];
    data.framework.forEach(function (d) {
      d.questions.forEach(function (q) {
        root.current.forEach(function (id) {
          var i = byId[id], f = i.findings[q.id];
          var ps = f.cite.map(function (pid) { return i.provisionsById[pid]; });
          lines.push([q.id, q.text.en, i.id, i.title.en, f.answer, f.gap ? "yes" : "no",
            ps.map(function (p) { return p.label.en; }).join("; "),
            ps.map(function (p) { return p.text[i.language] || ""; }).join(" | "),
            ps.map(function (p) { return p.text.en || ""; }).join(" | "),
            f.note ? f.note.en : "",
            new URL(root.dataset.base + (ps.length ? ps[0].anchor : i.url), window.location.href).toString(),
            ps.length ? ps.map(function (p) { return p.citation.bluebook; }).join(" ") : i.citation.bluebook
          ].map(csvCell).join(","));
        });
      });
    });
    var blob = new Blob(["\ufeff" + lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
    var link = el("a", { href: URL.createObjectURL(blob), download: "comparison-" + root.current.join("+") + ".csv" });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function start() {
    root = document.getElementById("kb-compare");
    if (!root || root.dataset.kbReady) return;
    root.dataset.kbReady = "1";
    messages = root.querySelector(".kb-compare-message");
    var jsonUrl = new URL(root.dataset.kbJson, window.location.href);
    // Links in the table are relative (like the rest of the site's), so they work from any host
    // and print as internal links.
    root.dataset.base = root.dataset.kbJson.replace(/downloads\/kb\.json$/, "");
    fetch(jsonUrl).then(function (r) { return r.json(); }).then(function (json) {
      data = json;
      data.terms = {};
      json.vocabularies.answer.terms.forEach(function (t) { data.terms[t.id] = t; });
      byId = {};
      json.instruments.forEach(function (i) {
        i.provisionsById = {};
        // Findings may cite a paragraph or item (款, 项) of a provision: index the parts too, each
        // with its own anchor, falling back on its provision's citation where it has none.
        var index = function (p, whole) {
          if (!p.anchor) p.anchor = whole.anchor.split("#")[0] + "#" + p.id;
          if (!p.citation) p.citation = whole.citation;
          if (!p.text) p.text = {};
          i.provisionsById[p.id] = p;
          (p.parts || []).forEach(function (part) { index(part, p); });
        };
        i.provisions.forEach(function (p) { index(p, p); });
        byId[i.id] = i;
      });
      var form = root.querySelector(".kb-chooser");
      var fieldset = form.querySelector("fieldset");
      if (!fieldset.querySelector("input[name=ids]")) {
        // Many instruments: the page does not carry the list; build it from the data (a
        // jurisdiction with sub-jurisdictions is federal law, a sub-jurisdiction state law).
        var names = {}, parents = {};
        json.jurisdictions.forEach(function (j) { names[j.code] = j.name.en; if (j.parent) parents[j.parent] = true; });
        json.jurisdictions.forEach(function (j) {
          var members = json.instruments.filter(function (i) { return i.jurisdiction === j.code; });
          if (!members.length) return;
          var label = j.parent ? names[j.parent] + ": state law — " + j.name.en.split(" (")[0]
            : (parents[j.code] ? j.name.en + ": federal law" : j.name.en);
          var group = el("div", { className: "kb-chooser-group" }, [el("p", { className: "kb-chooser-title", text: label })]);
          members.forEach(function (i) {
            group.appendChild(el("label", {}, [el("input", { type: "checkbox", name: "ids", value: i.id }), " " + i.short_title]));
          });
          fieldset.appendChild(group);
        });
      }
      form.hidden = false;
      form.addEventListener("change", function (event) {
        var box = event.target, max = parseInt(root.dataset.max, 10);
        if (!box || box.name !== "ids") return;
        // Columns follow the order in which the reader chose them.
        var ids = root.current.filter(function (id) { return id !== box.value; });
        if (box.checked) {
          if (ids.length >= max) {
            box.checked = false;
            show(["At most " + max + " instruments can be compared; untick one first."]);
            return;
          }
          ids.push(box.value);
        }
        update(ids, true);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.querySelector(".kb-compare-clear").addEventListener("click", function () { update([], true); });
      var suggestions = root.querySelector(".kb-suggestions");
      suggestions.hidden = false;
      suggestions.addEventListener("click", function (event) {
        var link = event.target.closest("a.kb-suggestion");
        if (!link) return;
        event.preventDefault();
        update(link.dataset.ids.split(","), true);
      });
      form.querySelector(".kb-download-csv").addEventListener("click", downloadCsv);
      form.querySelector(".kb-share").addEventListener("click", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(window.location.href);
        show(["Link copied: " + window.location.href]);
      });
      window.addEventListener("popstate", function () { update(readIds(), false); });
      update(readIds(), false);
    }).catch(function () {
      show(["The comparison data could not be loaded, so the address cannot be read; " +
            "the comparison shown is the default one (" + root.dataset.default.split(",").join(", ") + ")."]);
    });
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start);
  else document.addEventListener("DOMContentLoaded", start);
})();
