// The reading room's behaviour: live worklist, keyboard, lease heartbeat. No framework, no build.
"use strict";

(function () {
  var OPEN_STATES = ["UNASSIGNED", "ASSIGNED", "IN_PROGRESS", "PRELIMINARY"];
  var body = document.body;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";

  function typing(event) {
    var target = event.target;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  // ---- the keys dialog: `?` anywhere
  var keys = document.getElementById("keys");
  function showKeys() { if (keys && !keys.open) { keys.showModal(); } }
  document.querySelectorAll("[data-show-keys]").forEach(function (button) {
    button.addEventListener("click", showKeys);
  });

  // ---- worklist: moving through rows, live changes
  var table = document.getElementById("worklist");
  var rows = table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-task-id]")) : [];
  var selected = -1;

  function select(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (selected >= 0) { rows[selected].classList.remove("selected"); }
    selected = index;
    rows[selected].classList.add("selected");
    var link = rows[selected].querySelector("a");
    if (link) { link.focus(); }
  }

  function nextCase() {
    var form = document.getElementById("next-case-form");
    if (form && document.getElementById("next-case")) { form.requestSubmit(); }
  }

  var newIds = {};
  function showNew(change) {
    newIds[change.id] = true;
    var banner = document.getElementById("new-cases");
    document.getElementById("new-count").textContent = String(Object.keys(newIds).length);
    banner.hidden = false;
  }

  function belongsToTab(change) {
    var me = body.dataset.me ? Number(body.dataset.me) : null;
    var open = OPEN_STATES.indexOf(change.state) >= 0;
    if (body.dataset.tab === "mine") { return open && change.assignee_id === me; }
    if (body.dataset.tab === "pools") { return change.state === "UNASSIGNED"; }
    return open;
  }

  function applyChange(change) {
    var row = table.querySelector('tr[data-task-id="' + change.id + '"]');
    if (!row) {
      if (belongsToTab(change)) { showNew(change); }
      return;
    }
    row.querySelector("[data-state]").textContent = change.state;
    var me = body.dataset.me ? Number(body.dataset.me) : null;
    var holder = row.querySelector("[data-holder]");
    if (change.state === "IN_PROGRESS" && change.assignee_id !== me) {
      row.classList.add("locked");
      holder.textContent = "🔒 claimed by another reader just now";
    } else if (change.state !== "IN_PROGRESS") {
      row.classList.remove("locked");
      if (holder.textContent.indexOf("🔒") === 0) { holder.textContent = "released"; }
    }
  }

  function listen() {
    // EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed.
    var source = new EventSource("/api/v1/events");
    var status = document.getElementById("stream-state");
    source.addEventListener("open", function () { status.textContent = "Live updates on"; });
    source.addEventListener("error", function () { status.textContent = "Live updates reconnecting"; });
    source.addEventListener("task", function (event) { applyChange(JSON.parse(event.data)); });
    body.dataset.live = "on";
  }

  if (body.dataset.page === "worklist") {
    listen();
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "?" ) { event.preventDefault(); showKeys(); return; }
      if (typing(event)) { return; }
      if (event.key === "j" || event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
      else if (event.key === "k" || event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
      else if (event.key === "Enter" && selected >= 0) { event.preventDefault(); window.location.assign(rows[selected].dataset.href); }
      else if (event.key === "n") { event.preventDefault(); nextCase(); }
      else if (event.key === "/") { event.preventDefault(); document.getElementById("search").focus(); }
    });
  }

  // ---- case page: lease heartbeat, release key, keeping what was typed
  if (body.dataset.page === "case") {
    var taskId = body.dataset.taskId;
    if (body.dataset.heartbeat === "on") {
      var seconds = Number(body.dataset.heartbeatSeconds || "60");
      // Renewing a lease is work on the reader's behalf while they read, not polling for news.
      window.setInterval(function () {
        fetch("/api/v1/tasks/" + taskId + "/heartbeat", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: "{}",
          credentials: "same-origin",
        });
      }, seconds * 1000);
    }
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "?") { if (!typing(event)) { event.preventDefault(); showKeys(); } return; }
      if (typing(event)) { return; }
      if (event.key === "r") {
        var release = document.querySelector('button[value="release"]');
        if (release) { event.preventDefault(); release.click(); }
      } else if (event.key === "n") { event.preventDefault(); nextCase(); }
    });
    var report = document.getElementById("report-form");
    if (report && body.dataset.heartbeat === "on") {
      var leaving = true;
      report.addEventListener("submit", function () { leaving = false; });
      window.addEventListener("beforeunload", function (event) {
        // A claimed case left open: the browser asks; the Release button gives it back.
        if (leaving && report.dataset.dirty === "yes") { event.preventDefault(); }
      });
      report.addEventListener("input", function () { report.dataset.dirty = "yes"; });
    }
  }
})();
