/* The outbox: actions a resident took while the phone had no network, kept in IndexedDB until the
   service worker has sent them (docs/offline.md). Shared by the service worker (importScripts)
   and the pages (offline.js); the database's name does not change with the worker's version, so
   queued actions survive an update. One record per idempotency key:
   {key, url, body, label, user, createdAt, attempts, state: queued|needs-login|rejected, lastError} */
var mekaarOutbox = (function () {
  "use strict";
  var NAME = "mekaar-outbox";
  var STORE = "items";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  return {
    all: function () {
      return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
        return items.sort(function (a, b) { return a.createdAt - b.createdAt; });
      });
    },
    put: function (item) { return run("readwrite", function (store) { return store.put(item); }); },
    remove: function (key) { return run("readwrite", function (store) { return store.delete(key); }); }
  };
})();
