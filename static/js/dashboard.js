// Dashboard behaviour, from a static file so pages need no inline script (CSP script-src 'self').
(function () {
  "use strict";

  // <form data-confirm="…">: ask before a destructive action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // <button data-copy="value"> or data-copy-target="#id": copy, and say so in the button.
  document.querySelectorAll("button[data-copy], button[data-copy-target]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      var target = button.getAttribute("data-copy-target");
      var value = target ? document.querySelector(target).textContent.trim() : button.getAttribute("data-copy");
      navigator.clipboard.writeText(value).then(function () {
        button.textContent = "Copied";
        var live = document.getElementById("copy-status");
        if (live) live.textContent = "Copied to the clipboard.";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });

  // A table wider than the screen scrolls sideways; keyboard users need to reach it (focusable).
  var markScrollable = function () {
    document.querySelectorAll("table.list").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  };
  markScrollable();
  window.addEventListener("resize", markScrollable);

  // Times in the viewer's own zone, the UTC time kept in the title.
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) el.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  });

  // [data-refresh]: a part of the page that is still changing (an operation running) is fetched
  // again every two seconds until the server renders it without the attribute.
  var refreshing = document.querySelector("[data-refresh][id]");
  if (refreshing && window.fetch && window.DOMParser) {
    var polls = 0;
    var poll = function () {
      polls += 1;
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(refreshing.id);
          if (!fresh) return;
          refreshing.replaceWith(fresh);
          refreshing = fresh;
          if (fresh.hasAttribute("data-refresh") && polls < 60) setTimeout(poll, 2000);
        });
    };
    setTimeout(poll, 2000);
  }

  // Embed config: the previews follow the form as staff type (debounced iframe reloads).
  var form = document.getElementById("config-form");
  if (form) {
    var frames = document.querySelectorAll("iframe[data-preview]");
    var timer = null;
    var refresh = function () {
      var params = new URLSearchParams();
      ["company_name", "primary_color", "logo_url", "support_url", "support_email"].forEach(function (name) {
        if (form.elements[name]) params.set(name, form.elements[name].value);
      });
      if (form.elements.tracking_show_order_number) {
        params.set("show_order_number", form.elements.tracking_show_order_number.checked ? "1" : "");
      }
      frames.forEach(function (frame) {
        frame.src = frame.getAttribute("data-preview") + "?" + params.toString();
      });
    };
    form.addEventListener("input", function (event) {
      var picker = event.target;
      if (picker.id === "id_primary_color_picker") form.elements.primary_color.value = picker.value.toUpperCase();
      if (picker.name === "primary_color" && /^#[0-9a-fA-F]{6}$/.test(picker.value)) {
        var swatch = document.getElementById("id_primary_color_picker");
        if (swatch) swatch.value = picker.value;
      }
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  }
})();
