// The rule editor's order list: move a rule by dragging it, by Alt+Up / Alt+Down, or with its
// buttons, without a round trip. Each move rewrites the JSON view, which the dry run and the
// save then take as usual. Without this script the buttons still work through the server.
"use strict";

(function () {
  const list = document.getElementById("rule-order");
  const json = document.getElementById("rules-json");
  const news = document.getElementById("order-news");
  if (!list || !json || !news) return;

  const movable = () => Array.from(list.querySelectorAll("li[tabindex]"));

  function rewriteJson() {
    let documentJson;
    try {
      documentJson = JSON.parse(json.value);
    } catch (error) {
      news.textContent = "The JSON view is not valid JSON: fix it before moving rules.";
      return false;
    }
    const rules = documentJson.rules || [];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const order = Array.from(list.children).map((item) => item.dataset.id);
    if (order.length !== rules.length || order.some((id) => !byId.has(id))) {
      news.textContent = "The JSON view names other rules than this list: dry-run it first.";
      return false;
    }
    documentJson.rules = order.map((id) => byId.get(id));
    json.value = JSON.stringify(documentJson, null, 2);
    return true;
  }

  function renumber() {
    const items = movable();
    items.forEach((item, index) => {
      const [up, down] = item.querySelectorAll("button");
      up.value = "move-up:" + index;
      down.value = "move-down:" + index;
      up.disabled = index === 0;
      down.disabled = index === items.length - 1;
    });
  }

  function announce(item) {
    const place = movable().indexOf(item) + 1;
    news.textContent = `${item.dataset.id} is now rule ${place} of ${list.children.length}. ` +
      "Dry-run the new order to see what it changes.";
  }

  function place(item, before) {
    const previous = item.nextElementSibling;
    list.insertBefore(item, before);
    if (!rewriteJson()) {
      list.insertBefore(item, previous);
      return false;
    }
    renumber();
    announce(item);
    return true;
  }

  function move(item, step) {
    const items = movable();
    const index = items.indexOf(item);
    const target = index + step;
    if (target < 0 || target >= items.length) return;
    const before = step < 0 ? items[target] : items[target].nextElementSibling;
    place(item, before);
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    event.preventDefault();
    const item = button.closest("li");
    move(item, button.value.startsWith("move-up") ? -1 : 1);
    const again = item.querySelector(button.value.startsWith("move-up") ? "button" : "button + button");
    (again.disabled ? item : again).focus();
  });

  list.addEventListener("keydown", (event) => {
    const item = event.target.closest("li[tabindex]");
    if (!item || item !== event.target || !event.altKey) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    move(item, event.key === "ArrowUp" ? -1 : 1);
    item.focus();
  });

  let dragged = null;
  movable().forEach((item) => { item.draggable = true; });
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li[tabindex]");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged ? dragged.dataset.id : "");
  });
  list.addEventListener("dragover", (event) => {
    const over = event.target.closest("li[tabindex]");
    if (!dragged || !over) return;
    event.preventDefault();
    movable().forEach((item) => item.classList.toggle("drop-target", item === over));
  });
  list.addEventListener("drop", (event) => {
    const over = event.target.closest("li[tabindex]");
    movable().forEach((item) => item.classList.remove("drop-target"));
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    const downwards = movable().indexOf(dragged) < movable().indexOf(over);
    place(dragged, downwards ? over.nextElementSibling : over);
    dragged.focus();
    dragged = null;
  });
  list.addEventListener("dragend", () => {
    movable().forEach((item) => item.classList.remove("drop-target"));
    dragged = null;
  });
})();
