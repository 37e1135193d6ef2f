/* The page's side of working offline (docs/offline.md): registers the service worker (/sw.js),
   shows when a page is the copy the phone kept ("Offline kopie van 14:32"), lists the actions
   waiting in the outbox, asks the worker to send them when the page loads, the network returns
   or the page becomes visible, reloads to show their effect once sent, and empties the kept pages
   on logout (after a warning when actions still wait). Texts come from the page (base.html). */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || typeof mekaarOutbox === "undefined") {
    return;
  }

  function person() {
    var meta = document.querySelector('meta[name="mekaar-person"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function showOfflineCopy() {
    var mark = document.getElementById("offline-kopie");
    var saved = mark && mark.getAttribute("data-offline-saved");
    if (!saved) {
      return;
    }
    var when = new Date(saved);
    var time = mark.querySelector("time");
    time.setAttribute("datetime", saved);
    time.textContent = when.toLocaleTimeString(document.documentElement.lang || "nl",
      { hour: "2-digit", minute: "2-digit" });
    mark.hidden = false;
    // the kept copy's forms carry keys that may have been used already: give each a new one,
    // or a second, different action from this copy would be taken for the first
    document.querySelectorAll('input[name="idempotency_key"]').forEach(function (key) {
      key.value = self.crypto.randomUUID();
    });
  }

  function render() {
    var box = document.getElementById("wachtrij");
    if (!box) {
      return Promise.resolve([]);
    }
    return mekaarOutbox.all().then(function (items) {
      var list = box.querySelector("ul");
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var state = box.getAttribute("data-" + item.state) || box.getAttribute("data-queued");
        li.setAttribute("data-outbox-state", item.state);
        li.appendChild(document.createTextNode(item.label + " · "));
        if (item.state === "needs-login") {  // a link to log in and come back here
          var link = document.createElement("a");
          link.href = "/inloggen?next=" + encodeURIComponent(location.pathname);
          link.textContent = state;
          li.appendChild(link);
        } else {
          li.appendChild(document.createTextNode(state));
        }
        if (item.state === "rejected") {  // the node refused it: the resident may let it go
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "link";
          remove.textContent = box.getAttribute("data-remove");
          remove.addEventListener("click", function () {
            mekaarOutbox.remove(item.key).then(render);
          });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(remove);
        }
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
      return items;
    }).catch(function () { return []; });
  }

  function flush() {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "flush" });
      }
    });
  }

  function label(form) {
    var button = form.querySelector("button[type=submit], button:not([type])");
    var what = button ? (button.getAttribute("aria-label") || button.textContent) : form.action;
    var heading = document.querySelector("main h1");
    return what.trim() + (heading ? " · " + heading.textContent.trim() : "");
  }

  /* htmx posts carry what the worker needs if it has to keep them: the key, a label, who. */
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    var key = form && form.querySelector('input[name="idempotency_key"]');
    if (!key) {
      return;
    }
    event.detail.headers["Idempotency-Key"] = key.value;
    event.detail.headers["X-Outbox-Label"] = encodeURIComponent(label(form));
    if (person()) {
      event.detail.headers["X-Outbox-User"] = person();
    }
  });

  /* Kept by the worker (202, no swap): say so at the form, and give the form a new key so a
     second, different action from it is not taken for the same one. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 202 || !xhr.getResponseHeader("X-Outbox-Queued")) {
      return;
    }
    var form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    var box = document.getElementById("wachtrij");
    if (form) {
      var note = form.querySelector(".queued-note") || document.createElement("span");
      note.className = "queued-note";
      note.textContent = box ? box.getAttribute("data-queued") : "";
      form.appendChild(note);
      form.reset();
      var key = form.querySelector('input[name="idempotency_key"]');
      if (key && self.crypto && self.crypto.randomUUID) {
        key.value = self.crypto.randomUUID();
      }
    }
    render();
  });

  document.addEventListener("outbox-changed", render);

  /* An htmx piece asked for without network (sw.js answered "no swap"): say so. */
  document.addEventListener("mekaar-offline", function () {
    var notices = document.getElementById("meldingen");
    var box = document.getElementById("wachtrij");
    if (notices && box) {
      notices.textContent = box.getAttribute("data-unavailable");
    }
  });

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "outbox-synced" && data.sent > 0) {
      location.reload();  // show what the sent actions changed
    } else if (data.type === "outbox-changed" || data.type === "outbox-synced") {
      render();
    }
  });

  /* Logging out empties the pages this phone kept (they hold what this person may see); the
     outbox stays, and is sent after the next login as the same person. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('form[action="/uitloggen"]') || form.dataset.clearing) {
      return;
    }
    event.preventDefault();
    mekaarOutbox.all().catch(function () { return []; }).then(function (items) {
      var warning = form.getAttribute("data-outbox-warning");
      if (items.length && warning && !window.confirm(warning)) {
        return;
      }
      form.dataset.clearing = "1";
      var clear = self.caches ? caches.delete("mekaar-pages") : Promise.resolve();
      clear.catch(function () {}).then(function () { form.submit(); });
    });
  });

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      flush();
    }
  });

  showOfflineCopy();
  render();
  var worker = window.mekaarNoBackgroundSync ? "/sw.js?nosync" : "/sw.js";  // set by tests only
  navigator.serviceWorker.register(worker, { scope: "/" }).then(flush, function () {});
})();
