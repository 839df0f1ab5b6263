// Send the CSRF token from the page's meta tag with every htmx request.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});
// Keep focus sensible after a swap: move it to the first invalid field of a re-rendered form.
document.addEventListener("htmx:afterSwap", function (event) {
  var invalid = event.detail.target.querySelector('[aria-invalid="true"]');
  if (invalid) { invalid.focus(); }
});
// A print button (rosters): no inline script needed.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
// Select a read-only field's text (an invitation link) when it gets focus, ready to copy.
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) { event.target.select(); }
});
// My schedule offline (webapp/offline.py): forget any copy kept for someone other than the person
// this page says is logged in (nobody: every copy), and start the worker where the page asks.
(function () {
  var owner = document.querySelector('meta[name="offline-owner"]');
  if (owner && window.caches) {
    var keep = "shouwang-offline-" + owner.content;
    caches.keys().then(function (names) {
      names.forEach(function (name) {
        if (name.indexOf("shouwang-offline-") === 0 && name !== keep) { caches.delete(name); }
      });
    });
  }
  var worker = document.querySelector('meta[name="offline-worker"]');
  if (worker && owner && owner.content && navigator.serviceWorker) {
    navigator.serviceWorker.register(worker.content, { scope: worker.dataset.scope });
  }
})();
