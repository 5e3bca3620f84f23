// The policy reader's worker (src/bin/policy.rs, built by trunk as a no-modules worker). It loads
// the reader's WebAssembly and answers each message {id, text} (after its parts {id, part}, for a large text) with {id, json} (the report) or
// {id, error}. tools/postbuild.py gives the reader's files hashed names and writes them in here.
"use strict";
var ready = null;
// A large text comes in parts ({id, part}), then {id, text} with its last part: the parts of
// the newest id are kept until then (a part of another id starts anew).
var parts = { id: null, list: [] };
self.onmessage = function (event) {
  var msg = event.data || {};
  if (typeof msg.part === "string") {
    if (parts.id !== msg.id) parts = { id: msg.id, list: [] };
    parts.list.push(msg.part);
    return;
  }
  if (parts.id === msg.id && parts.list.length) {
    parts.list.push(String(msg.text || ""));
    msg = { id: msg.id, text: parts.list.join("") };
    parts = { id: null, list: [] };
  }
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
