/*! Orderly embed loader v1 — CONTRACT §9. Plain JavaScript, no build step, no dependencies.
 *
 *   const embed = Orderly.init({ slug, fetchSessionToken | publishableKey + externalId [+ userHash],
 *                                appearance, locale });
 *   embed.on("ready", fn); const handle = embed.mount("#orderly", { view: "orders" });
 *   handle.navigate("alerts"); handle.unmount(); embed.update({ appearance, locale }); embed.logout();
 *
 * The session token lives only in this closure and in the iframe's memory. It is posted to the
 * Orderly origin only, never put in a URL, a cookie or storage, and never logged.
 */
(function (global) {
  "use strict";
  if (global.Orderly && global.Orderly.version) return;

  var SOURCE = "orderly-embed";
  var PROTOCOL = 1;
  var VIEWS = ["home", "bridges", "orders", "requests", "alerts", "webhooks", "tracking"];
  var EVENTS = ["ready", "navigate", "bridge_connected", "action_request_submitted", "session_expired", "error"];
  var APPEARANCE = ["colorPrimary", "colorBackground", "colorText", "colorDanger", "fontFamily", "borderRadius", "spacingUnit"];
  var SESSION_TIMEOUT_MS = 20000;

  var script = document.currentScript;
  var ORIGIN = new URL(script && script.src ? script.src : "/", location.href).origin;

  function fail(message) {
    throw new TypeError("Orderly: " + message);
  }

  function cleanAppearance(appearance) {
    var out = {};
    if (!appearance) return out;
    if (typeof appearance !== "object") fail("appearance must be an object of variables");
    Object.keys(appearance).forEach(function (key) {
      if (APPEARANCE.indexOf(key) === -1) {
        console.warn("Orderly: unknown appearance variable ignored: " + key);
      } else if (typeof appearance[key] === "string") {
        out[key] = appearance[key].slice(0, 200);
      }
    });
    return out;
  }

  function resolveTarget(target) {
    var el = typeof target === "string" ? document.querySelector(target) : target;
    if (!el || el.nodeType !== 1) fail("mount target not found: " + target);
    return el;
  }

  // fetchSessionToken may resolve to the token, to the session object the API answered
  // ({token, expiresAt, scopes, enabledFeatures}, optionally inside {data: …}), or to its JSON text.
  function normalizeSession(value) {
    if (typeof value === "string") {
      var text = value.trim();
      if (text.charAt(0) === "{") {
        try {
          value = JSON.parse(text);
        } catch (e) {
          throw new Error("fetchSessionToken returned unreadable JSON");
        }
      } else {
        value = { token: text };
      }
    }
    if (value && typeof value === "object" && value.data && typeof value.data === "object") value = value.data;
    if (!value || typeof value.token !== "string" || !value.token) throw new Error("no session token");
    return {
      token: value.token,
      expiresAt: typeof value.expiresAt === "string" ? value.expiresAt : null,
      scopes: Array.isArray(value.scopes) ? value.scopes : null,
      enabledFeatures: Array.isArray(value.enabledFeatures) ? value.enabledFeatures : null,
    };
  }

  function Instance(options) {
    if (!options || typeof options !== "object") fail("init(options) needs an options object");
    if (typeof options.slug !== "string" || !options.slug) fail("options.slug is required");
    var hasFetcher = typeof options.fetchSessionToken === "function";
    if (!hasFetcher && !(options.publishableKey && options.externalId)) {
      fail("pass fetchSessionToken, or publishableKey with externalId");
    }
    var self = this;
    var handlers = {};
    var appearance = cleanAppearance(options.appearance);
    var locale = typeof options.locale === "string" ? options.locale : null;
    var frame = null;
    var pending = null;
    var loggedOut = false;

    function emit(type, detail) {
      (handlers[type] || []).slice().forEach(function (handler) {
        try {
          handler(detail || {});
        } catch (e) {
          setTimeout(function () {
            throw e;
          });
        }
      });
    }

    function post(message) {
      if (!frame || !frame.contentWindow) return;
      message.source = SOURCE;
      message.v = PROTOCOL;
      frame.contentWindow.postMessage(message, ORIGIN);
    }

    function mintAutoSession() {
      var body = { key: options.publishableKey, externalId: String(options.externalId) };
      if (options.userHash) body.userHash = String(options.userHash);
      if (options.name) body.name = String(options.name);
      if (options.email) body.email = String(options.email);
      return fetch(ORIGIN + "/api/v1/embed/sessions/auto", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
      }).then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) throw new Error((json && json.error && json.error.message) || "HTTP " + response.status);
          return json;
        });
      });
    }

    // One request at a time: concurrent asks share it.
    function obtainSession() {
      if (!pending) {
        var attempt = Promise.resolve()
          .then(function () {
            return hasFetcher ? options.fetchSessionToken() : mintAutoSession();
          })
          .then(normalizeSession);
        var timeout = new Promise(function (_, reject) {
          setTimeout(function () {
            reject(new Error("timed out"));
          }, SESSION_TIMEOUT_MS);
        });
        pending = Promise.race([attempt, timeout]);
        pending.then(clear, clear);
      }
      return pending;
      function clear() {
        pending = null;
      }
    }

    function sendSession(initial) {
      if (loggedOut) return;
      obtainSession().then(
        function (session) {
          post({
            type: "session",
            token: session.token,
            expiresAt: session.expiresAt,
            scopes: session.scopes,
            enabledFeatures: session.enabledFeatures,
          });
        },
        function (error) {
          post({ type: "session_failed" });
          if (initial) emit("error", { code: "session_failed", message: String((error && error.message) || error) });
          emit("session_expired", {});
        }
      );
    }

    function onMessage(event) {
      if (!frame || event.source !== frame.contentWindow || event.origin !== ORIGIN) return;
      var m = event.data;
      if (!m || m.source !== SOURCE || m.v !== PROTOCOL) return;
      if (m.type === "ready") {
        post({ type: "update", appearance: appearance, locale: locale });
        sendSession(true);
      } else if (m.type === "token_request") {
        sendSession(false);
      } else if (m.type === "resize" && typeof m.height === "number" && m.height >= 0) {
        frame.style.height = Math.ceil(Math.min(m.height, 100000)) + "px";
      } else if (m.type === "title" && typeof m.title === "string") {
        frame.title = m.title.slice(0, 200);
      } else if (m.type === "event" && EVENTS.indexOf(m.name) !== -1) {
        emit(m.name, m.detail && typeof m.detail === "object" ? m.detail : {});
      }
    }
    global.addEventListener("message", onMessage);

    this.on = function (type, handler) {
      if (EVENTS.indexOf(type) === -1) fail("unknown event: " + type);
      if (typeof handler !== "function") fail("on(type, handler) needs a function");
      (handlers[type] = handlers[type] || []).push(handler);
      return function off() {
        handlers[type] = (handlers[type] || []).filter(function (h) {
          return h !== handler;
        });
      };
    };

    this.mount = function (target, mountOptions) {
      var view = (mountOptions && mountOptions.view) || "home";
      if (VIEWS.indexOf(view) === -1) fail("unknown view: " + view);
      var container = resolveTarget(target);
      if (frame) self.unmountFrame();
      loggedOut = false;
      frame = document.createElement("iframe");
      var query = locale ? "?locale=" + encodeURIComponent(locale) : "";
      frame.src = ORIGIN + "/embed/v1/app/" + encodeURIComponent(options.slug) + "/" + view + query;
      frame.title = "Orderly";
      frame.setAttribute("allow", "clipboard-write");
      frame.setAttribute("referrerpolicy", "origin");
      frame.style.width = "100%";
      frame.style.minWidth = "0";
      frame.style.border = "0";
      frame.style.display = "block";
      frame.style.height = "320px";
      frame.style.colorScheme = "normal";
      container.appendChild(frame);
      var mounted = frame;
      return {
        navigate: function (next) {
          if (VIEWS.indexOf(next) === -1) fail("unknown view: " + next);
          if (frame === mounted) post({ type: "navigate", view: next });
        },
        unmount: function () {
          if (frame === mounted) self.unmountFrame();
        },
      };
    };

    this.unmountFrame = function () {
      if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
      frame = null;
    };

    this.update = function (changes) {
      changes = changes || {};
      if (changes.appearance) {
        var next = cleanAppearance(changes.appearance);
        Object.keys(next).forEach(function (key) {
          appearance[key] = next[key];
        });
      }
      if (typeof changes.locale === "string") locale = changes.locale;
      post({ type: "update", appearance: appearance, locale: locale });
    };

    this.logout = function () {
      loggedOut = true;
      post({ type: "logout" });
    };

    this.destroy = function () {
      self.unmountFrame();
      global.removeEventListener("message", onMessage);
      handlers = {};
    };
  }

  global.Orderly = {
    version: "1",
    init: function (options) {
      return new Instance(options);
    },
  };
})(window);
