/* Sila — the field visit form: photos made smaller on the phone, the location when the
 * representative allows it, and visits typed without a connection kept on the phone
 * (IndexedDB) and sent once when it returns. Each visit carries an id made here; the server
 * records one visit per id, so a resend never makes a second ticket. */
(function () {
  "use strict";

  var form = document.querySelector("[data-visit-form]");
  if (!form) return;

  var DB_NAME = "sila-branch-visits";
  var STORE = "outbox";
  var MAX_SIDE = 1600;
  var QUALITY = 0.82;
  var texts = form.dataset;
  var statusBox = document.querySelector("[data-visit-status]");
  var pendingBox = document.querySelector("[data-pending]");
  var pendingList = document.querySelector("[data-pending-list]");
  var offlineBanner = document.querySelector("[data-offline-banner]");
  var submitButton = form.querySelector("button[type=submit]");
  var busy = false;
  var flushing = false;

  // -- the queue on the phone ---------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = action(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  var queue = {
    put: function (record) { return withStore("readwrite", function (s) { return s.put(record); }); },
    remove: function (id) { return withStore("readwrite", function (s) { return s.delete(id); }); },
    all: function () { return withStore("readonly", function (s) { return s.getAll(); }); }
  };

  // -- small helpers ------------------------------------------------------------------

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function show(message, tone) {
    statusBox.className = "alert alert-" + tone;
    statusBox.textContent = message;
  }

  // Hijri and Gregorian, as the pages write them (Latin digits, Riyadh time).
  function bothDates(timestamp) {
    var when = new Date(timestamp);
    var day = { day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Riyadh" };
    var hijri = new Intl.DateTimeFormat("ar-SA-u-ca-islamic-umalqura-nu-latn", day).format(when);
    var gregorian = new Intl.DateTimeFormat("ar-SA-u-ca-gregory-nu-latn", day).format(when);
    var time = new Intl.DateTimeFormat("ar-SA-u-nu-latn", {
      hour: "2-digit", minute: "2-digit", timeZone: "Asia/Riyadh" }).format(when);
    return hijri + " — " + gregorian + " · " + time;
  }

  function clearErrors() {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); el.removeAttribute("aria-invalid"); });
    form.querySelectorAll("[data-js-error]").forEach(function (el) { el.remove(); });
  }

  function showErrors(errors) {
    clearErrors();
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      var error = document.createElement("div");
      error.className = "invalid-feedback d-block";
      error.dataset.jsError = "";
      error.dataset.testid = "error-" + name;
      error.setAttribute("data-testid", "error-" + name);
      error.textContent = errors[name];
      if (input && input.type !== "hidden") {
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        input.insertAdjacentElement("afterend", error);
        if (!form.querySelector(".is-invalid:focus")) input.focus();
      } else {
        form.insertAdjacentElement("afterbegin", error);
      }
    });
    show(texts.textFix, "danger");
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  // -- photos: smaller on the phone; the re-drawn picture carries no EXIF (no location) ---

  function compress(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });  // not a picture the phone can read: the server says why
  }

  function collect() {
    var keepLocation = form.querySelector("[name=keep_location]").checked;
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") fields.push([name, value]);
    });
    var files = Array.prototype.slice.call(form.querySelector("[name=photos]").files || []);
    return Promise.all(files.map(function (file) { return keepLocation ? file : compress(file); }))
      .then(function (photos) {
        return {
          client_id: form.querySelector("[data-client-id]").value,
          label: form.querySelector("[name=name]").value,
          saved_at: Date.now(),
          fields: fields,
          photos: photos.map(function (photo) { return { blob: photo, name: photo.name }; })
        };
      });
  }

  // -- sending: "done", "invalid" (with the server's messages) or "later" -----------------

  function send(record) {
    var body = new FormData();
    record.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    record.photos.forEach(function (photo) { body.append("photos", photo.blob, photo.name); });
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) return response.json().then(function (data) { return { kind: "done", data: data }; });
      if (response.status === 422) return response.json().then(function (data) { return { kind: "invalid", errors: data.errors || {} }; });
      return { kind: "later", status: response.status };
    }, function () { return { kind: "later" }; });
  }

  function resetForm() {
    form.reset();
    found.hidden = true;
    form.querySelector("[data-client-id]").value = newId();
    form.querySelector("[data-latitude]").value = "";
    form.querySelector("[data-longitude]").value = "";
    clearErrors();
  }

  function renderPending() {
    return queue.all().then(function (records) {
      pendingList.textContent = "";
      records.forEach(function (record) {
        var item = document.createElement("li");
        item.className = "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2";
        item.dataset.testid = "pending-visit";
        item.setAttribute("data-testid", "pending-visit");
        var label = document.createElement("span");
        label.textContent = record.label + " · " + bothDates(record.saved_at);
        item.appendChild(label);
        if (record.errors) {
          var problems = document.createElement("span");
          problems.className = "text-danger small w-100";
          problems.textContent = Object.keys(record.errors).map(function (k) { return record.errors[k]; }).join(" ");
          item.appendChild(problems);
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "btn btn-outline-danger btn-sm";
          remove.textContent = texts.textRemove;
          remove.addEventListener("click", function () { queue.remove(record.client_id).then(renderPending); });
          item.appendChild(remove);
        }
        pendingList.appendChild(item);
      });
      pendingBox.hidden = records.length === 0;
    }).catch(function () { pendingBox.hidden = true; });
  }

  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return queue.all().then(function (records) {
      var chain = Promise.resolve(true);
      records.forEach(function (record) {
        chain = chain.then(function (goOn) {
          if (!goOn || record.errors) return goOn;
          return send(record).then(function (outcome) {
            if (outcome.kind === "done") {
              show(texts.textSent + " " + outcome.data.message, "success");
              return queue.remove(record.client_id).then(function () { return true; });
            }
            if (outcome.kind === "invalid") {
              record.errors = outcome.errors;
              return queue.put(record).then(function () { return true; });
            }
            return false;  // still no way through: try again later
          });
        });
      });
      return chain;
    }).catch(function () { return null; }).then(function () {
      flushing = false;
      return renderPending();
    });
  }

  function updateConnection() {
    offlineBanner.hidden = navigator.onLine;
  }

  // -- the form -----------------------------------------------------------------------

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;  // a double tap sends once
    busy = true;
    submitButton.disabled = true;
    clearErrors();
    collect().then(function (record) {
      var attempt = navigator.onLine ? send(record) : Promise.resolve({ kind: "later" });
      return attempt.then(function (outcome) {
        if (outcome.kind === "done") {
          show(outcome.data.message, "success");
          resetForm();
          return null;
        }
        if (outcome.kind === "invalid") {
          showErrors(outcome.errors);
          return null;
        }
        return queue.put(record).then(function () {
          show(texts.textQueued, "warning");
          resetForm();
        });
      });
    }).catch(function () {
      show(texts.textRetry, "danger");
    }).then(function () {
      busy = false;
      submitButton.disabled = false;
      return renderPending();
    });
  });

  // -- the person: known by their phone, with their open tickets to join -----------------

  var phoneInput = form.querySelector("[name=phone]");
  var found = form.querySelector("[data-person-found]");
  var lookupTimer = null;

  function showPerson(person) {
    found.hidden = !person.found;
    if (!person.found) return;
    found.querySelector("[data-person-name]").textContent = person.name;
    var nameInput = form.querySelector("[name=name]");
    if (!nameInput.value) nameInput.value = person.name;
    var list = found.querySelector("[data-person-tickets]");
    list.textContent = "";
    person.tickets.forEach(function (ticket) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-primary btn-sm";
      button.dataset.ticket = ticket.number;
      button.textContent = texts.textJoin + " " + ticket.number + " — " + ticket.subject;
      button.addEventListener("click", function () {
        form.querySelector("[name=ticket]").value = ticket.number;
      });
      list.appendChild(button);
    });
  }

  phoneInput.addEventListener("input", function () {
    clearTimeout(lookupTimer);
    lookupTimer = setTimeout(function () {
      if (!navigator.onLine || phoneInput.value.trim().length < 9) { found.hidden = true; return; }
      fetch(form.dataset.lookup + "?phone=" + encodeURIComponent(phoneInput.value.trim()), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) { return response.ok ? response.json() : { found: false }; })
        .then(showPerson, function () { found.hidden = true; });
    }, 400);
  });

  var locate = form.querySelector("[data-locate]");
  var locationStatus = form.querySelector("[data-location-status]");
  locate.addEventListener("click", function () {
    if (!navigator.geolocation) { locationStatus.textContent = texts.textLocationDenied; return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[data-latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[data-longitude]").value = position.coords.longitude.toFixed(6);
      locationStatus.textContent = texts.textLocationOk;
    }, function () {
      locationStatus.textContent = texts.textLocationDenied;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  window.addEventListener("online", function () { updateConnection(); flush(); });
  window.addEventListener("offline", updateConnection);
  updateConnection();
  renderPending().then(flush);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.sw, { scope: form.dataset.scope }).catch(function () {
      /* without it the page still queues visits; only opening it offline needs the worker */
    });
  }
})();
