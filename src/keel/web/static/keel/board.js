/* Board: drag a card (or pick "Move to…") to move it through the workflow on the server. */
(function () {
  "use strict";
  var dragged = null;

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(board, text, kind) {
    var box = board.parentNode.querySelector(".board-message");
    if (!box) return;
    box.textContent = text;
    box.className = "board-message" + (kind ? " " + kind : "");
    box.hidden = !text;
  }

  function counts(board, columns) {
    Object.keys(columns).forEach(function (id) {
      var c = columns[id];
      var head = board.querySelector('.column-head[data-status="' + id + '"]');
      if (!head) return;
      head.querySelector("[data-wip]").textContent = c.count + (c.limit ? "/" + c.limit : "");
      head.classList.toggle("over", c.over);
      head.classList.toggle("full", c.full && !c.over);
    });
  }

  function move(board, card, cell) {
    var from = card.parentNode;
    var next = card.nextSibling;
    var target = cell.getAttribute("data-status");
    if (from === cell) return;
    cell.appendChild(card);  // optimistic; snaps back if the server refuses
    var body = new URLSearchParams();
    body.set("item", card.getAttribute("data-key"));
    body.set("to_status", target);
    body.set("version", card.getAttribute("data-version"));
    fetch(board.getAttribute("data-move-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: body,
      credentials: "same-origin",
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (data.columns) counts(board, data.columns);
      if (data.ok) {
        card.setAttribute("data-version", data.version);
        card.querySelectorAll("input[name=version]").forEach(function (i) { i.value = data.version; });
        refreshSelect(card, board, target);
        say(board, "", "");
      } else {
        from.insertBefore(card, next);
        card.classList.remove("refused");
        void card.offsetWidth;
        card.classList.add("refused");
        say(board, data.error, "");
      }
    }).catch(function () {
      from.insertBefore(card, next);
      say(board, board.getAttribute("data-offline") || "Network error", "");
    });
  }

  function refreshSelect(card, board, status) {
    var select = card.querySelector("select.move-to");
    if (!select) return;
    var placeholder = select.options[0].cloneNode(true);
    select.innerHTML = "";
    select.appendChild(placeholder);
    board.querySelectorAll(".column-head").forEach(function (head) {
      var id = head.getAttribute("data-status");
      if (id === status) return;
      var o = document.createElement("option");
      o.value = id;
      o.textContent = head.querySelector(".name").textContent;
      select.appendChild(o);
    });
    select.value = "";
  }

  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-key"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".cell.drop").forEach(function (c) { c.classList.remove("drop", "full"); });
  });
  document.addEventListener("dragover", function (e) {
    var cell = dragged && e.target.closest && e.target.closest(".cell");
    if (!cell) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("drop")) {
      document.querySelectorAll(".cell.drop").forEach(function (c) { c.classList.remove("drop", "full"); });
      var board = cell.closest(".board");
      var head = board.querySelector('.column-head[data-status="' + cell.getAttribute("data-status") + '"]');
      cell.classList.add("drop");
      if (head && (head.classList.contains("full") || head.classList.contains("over"))) {
        cell.classList.add("full");
        say(board, head.querySelector(".wip-warning").textContent, "warn");
      }
    }
  });
  document.addEventListener("drop", function (e) {
    var cell = dragged && e.target.closest && e.target.closest(".cell");
    if (!cell) return;
    e.preventDefault();
    var board = cell.closest(".board");
    var card = dragged;
    cell.classList.remove("drop", "full");
    // A lane is fixed by the card (its assignee or epic): keep it, move only the column.
    var lane = card.closest(".lane");
    var inLane = lane.querySelector('.cell[data-status="' + cell.getAttribute("data-status") + '"]');
    move(board, card, inLane || cell);
  });
  document.addEventListener("change", function (e) {
    var select = e.target.closest && e.target.closest("select.move-to");
    if (!select || !select.value) return;
    var card = select.closest(".card");
    var board = card.closest(".board");
    var cell = card.closest(".lane").querySelector('.cell[data-status="' + select.value + '"]');
    select.value = "";
    if (cell) move(board, card, cell);
  });
})();
