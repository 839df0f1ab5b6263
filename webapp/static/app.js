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
