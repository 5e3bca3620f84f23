// The benchmark's baseline: what a plain page does with no framework and no special care.
// The paste goes into the textarea as usual (default action); each input then scans the whole
// value with a regex, decodes every blob with atob + JSON.parse, and shows one <article> per
// distinct blob. Served under the same strict CSP as the app (no inline script, no eval).
'use strict';
(function () {
  var box = document.getElementById('event-text');
  var out = document.querySelector('section[aria-label="Findings"]');
  var summary = document.getElementById('summary');
  var BLOB = /policyDecision<\s*([A-Za-z0-9+\/=_-]+)\s*>policyDecision/g;

  function decode(b64) {
    var bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  function render() {
    var text = box.value;
    var seen = new Map();
    var m;
    BLOB.lastIndex = 0;
    while ((m = BLOB.exec(text)) !== null) {
      var f = seen.get(m[1]);
      if (f) { f.count++; continue; }
      var decision = null, error = null;
      try { decision = decode(m[1]); } catch (e) { error = e.message; }
      seen.set(m[1], { decision: decision, error: error, count: 1 });
    }
    var frag = document.createDocumentFragment();
    seen.forEach(function (f) {
      var art = document.createElement('article');
      var h = document.createElement('h2');
      var d = f.decision || {};
      h.textContent = (d.input && d.input.rule) || 'policy decision';
      var p = document.createElement('p');
      p.textContent = f.error ? 'Could not decode: ' + f.error
        : (d.reason && d.reason.errors ? d.reason.errors.join('; ') : '') + ' (seen ' + f.count + ' times)';
      var pre = document.createElement('pre');
      pre.textContent = JSON.stringify(d, null, 2);
      art.append(h, p, pre);
      frag.append(art);
    });
    out.replaceChildren(frag);
    summary.textContent = seen.size + ' distinct findings.';
  }

  // A paste's default action inserts the text and fires `input`; so does typing.
  box.addEventListener('input', render);
  document.body.classList.add('plain-ready');
})();
