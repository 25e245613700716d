// Progress bar of white-label shipping: polls the JSON counts until nothing is pending.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;

  function update(root, counts) {
    var bar = root.querySelector("[data-progress-bar]");
    if (bar) {
      bar.max = Math.max(counts.total, 1);
      bar.value = counts.done;
      bar.textContent = counts.done + "/" + counts.total;
    }
    ["done", "failed", "pending", "total"].forEach(function (key) {
      var cell = root.querySelector('[data-progress="' + key + '"]');
      if (cell) { cell.textContent = String(counts[key]); }
    });
  }

  function poll(root) {
    var url = root.getAttribute("data-progress-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        update(root, counts);
        if (counts.pending > 0) { window.setTimeout(function () { poll(root); }, INTERVAL_MS); }
      })
      .catch(function () { window.setTimeout(function () { poll(root); }, INTERVAL_MS * 2); });
  }

  document.querySelectorAll("[data-progress-url]").forEach(function (root) {
    var pending = root.querySelector('[data-progress="pending"]');
    if (pending && pending.textContent.trim() !== "0") { window.setTimeout(function () { poll(root); }, INTERVAL_MS); }
  });
})();
