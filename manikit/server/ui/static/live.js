// Live updates for the manikit dashboard: the server says when the store's watch history (or the
// events) moved; the page then fetches itself and swaps its <main>. Without JavaScript the pages
// read the same, one reload at a time.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var badge = document.getElementById("live");
  if (!main || !badge || !window.EventSource || !window.fetch) { return; }
  var busy = false, again = false;

  function openDetails() {
    var open = [];
    main.querySelectorAll("details[open] > summary").forEach(function (s) { open.push(s.textContent); });
    return open;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var kept = openDetails();
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) { return; }
        var fresh = new DOMParser().parseFromString(text, "text/html").getElementById("main");
        if (!fresh) { return; }
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        main.dataset.revision = fresh.dataset.revision;
        main.querySelectorAll("details > summary").forEach(function (s) {
          if (kept.indexOf(s.textContent) >= 0) { s.parentElement.open = true; }
        });
        badge.textContent = "live · store revision " + fresh.dataset.revision;
      })
      .catch(function () { badge.textContent = "live · refresh failed, retrying"; })
      .then(function () {
        busy = false;
        if (again) { again = false; window.setTimeout(refresh, 250); }
      });
  }

  var source = new EventSource("/ui/live?since=" + encodeURIComponent(main.dataset.revision || ""));
  source.addEventListener("open", function () { badge.textContent = "live · store revision " + main.dataset.revision; });
  source.addEventListener("change", refresh);
  source.addEventListener("error", function () { badge.textContent = "reconnecting…"; });
})();
