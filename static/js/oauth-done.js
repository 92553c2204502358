// Tell the embed that opened this popup, on its allowed origins only, then close.
(function () {
  var resultNode = document.getElementById("orderly-oauth-result");
  var originsNode = document.getElementById("orderly-oauth-origins");
  if (!resultNode || !originsNode || !window.opener) return;
  var result = JSON.parse(resultNode.textContent);
  var origins = JSON.parse(originsNode.textContent);
  origins.forEach(function (origin) {
    try { window.opener.postMessage(result, origin); } catch (e) {}
  });
})();
