/* Mekaar's service worker (docs/offline.md), served at /sw.js by web/routes/offline.py, which
   fills in VERSION (a hash of the static files).
   - /static/ files: cache first, from a cache named after the version (old ones are deleted).
   - Pages: network first with a short timeout; each page is kept, and without network the kept
     copy is shown, marked with the time it was kept (offline.js shows "Offline kopie van …").
     A page never kept: /offline.
   - htmx GETs (fragments, never kept): without network, no swap and a message (offline.js).
   - Action posts (support, join, add/take/complete a task, comment): without network they go to
     the outbox (outbox-store.js) and are sent later with a fresh CSRF token, after checking the
     same person is still logged in; their idempotency key makes a second send harmless. */
"use strict";
importScripts("/static/js/outbox-store.js");

var VERSION = "__VERSION__";
// "/sw.js?nosync" behaves as browsers without Background Sync do (Firefox, Safari): tests use it
var BACKGROUND_SYNC = !new URL(self.location.href).searchParams.has("nosync");
var STATIC = "mekaar-static-" + VERSION;
var PAGES = "mekaar-pages";
var MAX_PAGES = 50;
var PAGE_TIMEOUT = 3000;
var POST_TIMEOUT = 8000;
var PRECACHE = [
  "/offline",
  "/manifest.webmanifest",
  "/static/css/mekaar.css",
  "/static/vendor/htmx-2.0.11.min.js",
  "/static/js/focus.js",
  "/static/js/outbox-store.js",
  "/static/js/offline.js",
  "/static/favicon.svg",
  "/static/icon-192.png"
];
var ACTIONS = [
  /^\/initiatieven\/[^/]+\/(steunen|aansluiten|taken)$/,
  /^\/initiatieven\/[^/]+\/taken\/[^/]+\/(oppakken|klaar)$/,
  /^\/gesprekken\/[^/]+\/reacties$/,
  /^\/peilingen\/[^/]+\/stem$/,
  /^\/activiteiten\/[^/]+\/(aanmelden|afmelden)$/
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    // without cookies: the same for whoever uses this phone (no name in the offline page)
    return cache.addAll(PRECACHE.map(function (path) {
      return new Request(path, { credentials: "omit" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("mekaar-static-") === 0 && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && ACTIONS.some(function (re) { return re.test(url.pathname); })) {
    event.respondWith(action(event));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, { cacheName: STATIC }).then(function (hit) {
      return hit || fetch(request);
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (request.headers.get("HX-Request") === "true") {
    // an htmx piece of a page (the search on the home page): without network, leave the page as
    // it is and let offline.js say why, rather than an error htmx cannot show
    event.respondWith(fetch(request).catch(function () {
      return new Response("", { status: 200, headers: {
        "HX-Reswap": "none", "HX-Push-Url": "false", "HX-Trigger": "mekaar-offline"
      } });
    }));
  } else if (url.pathname === "/manifest.webmanifest") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(url.pathname, { cacheName: STATIC });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "flush") {
    event.waitUntil(flush().catch(function () {}));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") {
    event.waitUntil(flush());  // rejects without network: the browser tries again later
  }
});

function timeout(promise, ms, controller) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      if (controller) { controller.abort(); }
      reject(new Error("timeout"));
    }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

/* ---------------------------------------------------------------- pages */

function page(event) {
  var request = event.request;
  var network = fetch(request).then(function (response) {
    var html = (response.headers.get("content-type") || "").indexOf("text/html") === 0;
    var store = (response.headers.get("cache-control") || "").indexOf("no-store") === -1;
    if (response.status === 200 && response.type === "basic" && html && store) {
      return keep(request.url, response.clone()).then(function () { return response; });
    }
    return response;
  });
  event.waitUntil(network.then(function () { return flush(); }).catch(function () {}));
  return timeout(network, PAGE_TIMEOUT).catch(function () {
    return kept(request.url).then(function (copy) {
      return copy || caches.match("/offline", { cacheName: STATIC }).then(function (offline) {
        return offline || Response.error();
      });
    });
  });
}

function pageKey(address) {
  var url = new URL(address);
  url.hash = "";
  return url.href;
}

function keep(address, response) {
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("x-mekaar-saved", new Date().toISOString());
    var copy = new Response(body, { status: 200, statusText: "OK", headers: headers });
    return caches.open(PAGES).then(function (cache) {
      var key = pageKey(address);
      return cache.delete(key).then(function () { return cache.put(key, copy); })
        .then(function () { return cache.keys(); })
        .then(function (keys) {  // oldest first: drop beyond MAX_PAGES
          return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (k) {
            return cache.delete(k);
          }));
        });
    });
  });
}

function kept(address) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(pageKey(address), { ignoreVary: true });
  }).then(function (copy) {
    if (!copy) { return null; }
    var saved = copy.headers.get("x-mekaar-saved") || "";
    return copy.text().then(function (html) {
      html = html.replace('data-offline-saved=""', 'data-offline-saved="' + saved + '"');
      return new Response(html, { status: 200, statusText: "OK", headers: copy.headers });
    });
  });
}

/* ---------------------------------------------------------------- actions and the outbox */

function action(event) {
  var request = event.request;
  return request.clone().text().then(function (body) {
    var controller = new AbortController();
    return timeout(fetch(request, { signal: controller.signal }), POST_TIMEOUT, controller)
      .then(function (response) {
        event.waitUntil(flush().catch(function () {}));
        return response;
      }, function () {
        return queue(request, body).then(function (item) { return queued(request, item); });
      });
  });
}

function queue(request, body) {
  var form = new URLSearchParams(body);
  form.delete("_csrf_token");  // never replay a stored token: a fresh one is fetched
  var key = form.get("idempotency_key") || request.headers.get("idempotency-key") ||
    self.crypto.randomUUID();
  form.set("idempotency_key", key);
  var label = request.headers.get("x-outbox-label");
  var item = {
    key: key,
    url: new URL(request.url).pathname,
    body: form.toString(),
    label: label ? decodeURIComponent(label) : new URL(request.url).pathname,
    user: request.headers.get("x-outbox-user") || null,
    createdAt: Date.now(),
    attempts: 0,
    state: "queued",
    lastError: null
  };
  return mekaarOutbox.put(item).then(function () {
    if (BACKGROUND_SYNC && self.registration.sync) {
      return self.registration.sync.register("outbox").catch(function () {});
    }
  }).then(function () {
    notify({ type: "outbox-changed" });
    return item;
  });
}

function queued(request, item) {
  if (request.mode === "navigate") {  // a form posted without htmx: back to the page it was on
    return Response.redirect(request.referrer || "/", 303);
  }
  return new Response("", {
    status: 202,
    headers: { "HX-Reswap": "none", "HX-Trigger": "outbox-changed", "X-Outbox-Queued": item.key }
  });
}

function session() {
  return fetch("/csrf", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
    if (!r.ok) { throw new Error("csrf " + r.status); }
    return r.json();
  });
}

function send(item, token) {
  return fetch(item.url, {
    method: "POST",
    body: item.body,
    credentials: "same-origin",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "x-csrftoken": token,
      "Idempotency-Key": item.key,
      "X-Outbox-Replay": "1"
    }
  });
}

function done(response) {
  return response.type === "opaqueredirect" || (response.status >= 200 && response.status < 400) ||
    response.status === 409;
}

var flushing = null;

/* One flush at a time: a second call while one runs waits for it. */
function flush() {
  if (!flushing) {
    flushing = sendAll().then(function (result) {
      flushing = null;
      return result;
    }, function (error) {
      flushing = null;
      throw error;
    });
  }
  return flushing;
}

function sendAll() {
  var sent = 0;
  return mekaarOutbox.all().then(function (items) {
    items = items.filter(function (item) { return item.state !== "rejected"; });
    if (!items.length) { return null; }
    return session().then(function (current) {
      return items.reduce(function (previous, item) {
        return previous.then(function () { return sendOne(item, current); })
          .then(function (outcome) {
            if (outcome.session) { current = outcome.session; }
            if (outcome.sent) { sent += 1; }
          });
      }, Promise.resolve());
    }).then(function () { return sent; }, function (error) {
      if (sent) { notify({ type: "outbox-synced", sent: sent }); }
      throw error;
    });
  }).then(function (count) {
    if (count !== null) {  // something was tried: sent, or its state changed
      notify({ type: "outbox-synced", sent: count });
    }
    return count || 0;
  });
}

function sendOne(item, current) {
  if (!current.person || (item.user && item.user !== current.person)) {
    item.state = "needs-login";
    return mekaarOutbox.put(item).then(function () { notify({ type: "outbox-changed" }); return {}; });
  }
  return send(item, current.token).then(function (response) {
    if (response.status !== 403) { return { response: response }; }
    return session().then(function (fresh) {  // the token went stale, or the login expired
      if (!fresh.person) { return { session: fresh, login: true }; }
      return send(item, fresh.token).then(function (again) {
        return { response: again, session: fresh };
      });
    });
  }).then(function (outcome) {
    item.attempts += 1;
    if (outcome.login) {
      item.state = "needs-login";
      return mekaarOutbox.put(item).then(function () { return { session: outcome.session }; });
    }
    var response = outcome.response;
    if (done(response)) {
      return mekaarOutbox.remove(item.key).then(function () {
        return { sent: true, session: outcome.session };
      });
    }
    item.lastError = response.status;
    if (response.status >= 500) {  // the node is having trouble: keep it, try again later
      item.state = "queued";
      return mekaarOutbox.put(item).then(function () { throw new Error("node " + response.status); });
    }
    item.state = "rejected";
    return mekaarOutbox.put(item).then(function () { return { session: outcome.session }; });
  });
}

function notify(message) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (all) {
    all.forEach(function (client) { client.postMessage(message); });
  });
}
