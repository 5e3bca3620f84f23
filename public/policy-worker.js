// The policy reader's worker (src/bin/policy.rs, built by trunk as a no-modules worker). It loads
// the reader's WebAssembly and answers each message {id, text} with {id, json} (the report) or
// {id, error}. tools/postbuild.py gives the reader's files hashed names and writes them in here.
"use strict";
var ready = null;
self.onmessage = function (event) {
  var msg = event.data || {};
  ready.then(function () {
    var reply;
    try {
      reply = { id: msg.id, json: wasm_bindgen.analyze_policy(String(msg.text || "")) };
    } catch (e) {
      reply = { id: msg.id, error: "the policy reader stopped: " + (e && e.message ? e.message : String(e)) };
    }
    self.postMessage(reply);
  }, function (e) {
    self.postMessage({ id: msg.id, error: "the policy reader did not load: " + (e && e.message ? e.message : String(e)) });
  });
};
importScripts("./policy.js");
ready = wasm_bindgen({ module_or_path: "./policy_bg.wasm" });
