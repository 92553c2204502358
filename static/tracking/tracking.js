// The customer's pages, progressively enhanced (everything works without this file).
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;

  // Scan times in the viewer's own time zone and language.
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) el.textContent = d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
  });

  // Copy buttons: the value in data-copy, confirmed in the button's own label for a moment.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
