// huanjie serve: the little the pages do in the browser (no build step, no library; CSP default-src 'self').
"use strict";

function addRow(button) {
  var name = button.getAttribute("data-table");
  var table = document.getElementById("table-" + name.replace(/\./g, "-"));
  var blank = table.querySelector("tr.blank:last-of-type") || table.querySelector("tr.blank");
  var parts = blank.getAttribute("data-row").split(".");
  var index = parseInt(parts.pop(), 10);
  var next = index + 1;
  var copy = blank.cloneNode(true);
  var from = name + "." + index + ".", to = name + "." + next + ".";
  var fromId = "f-" + from.replace(/\./g, "-"), toId = "f-" + to.replace(/\./g, "-");
  copy.setAttribute("data-row", name + "." + next);
  copy.querySelectorAll("input, select, textarea").forEach(function (el) {
    if (el.name) { el.name = el.name.replace(from, to); }
    if (el.id) { el.id = el.id.replace(fromId, toId); }
    if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
  });
  copy.querySelectorAll(".finding").forEach(function (el) { el.remove(); });
  blank.parentNode.appendChild(copy);
}

function number(el) {
  var v = parseInt((el && el.value) || "", 10);
  return isNaN(v) ? 0 : v;
}

function updateTallies() {
  document.querySelectorAll(".tally").forEach(function (box) {
    var total = 0;
    box.querySelectorAll("input").forEach(function (el) { total += number(el); });
    // rounds.0.votes.主任 or contests.1.rounds.0.votes.居民代表: the round is what comes before ".votes."
    var name = box.getAttribute("data-name");
    var round = name.slice(0, name.lastIndexOf(".votes.")).replace(/\./g, "-");
    var returned = document.getElementById("f-" + round + "-ballots-returned");
    var invalid = document.getElementById("f-" + round + "-ballots-invalid");
    box.querySelector(".sum").textContent = String(total);
    var note = "";
    if (returned && returned.value) {
      var valid = number(returned) - number(invalid);
      var seats = parseInt(box.getAttribute("data-seats") || "1", 10);
      note = "；有效票 " + valid + " 张";
      if (total > valid * seats) { note += "，超过上限 " + (valid * seats) + " 票，请核对"; }
      box.classList.toggle("over", total > valid * seats);
    }
    box.querySelector(".valid").textContent = note;
  });
}

function pollBatch(el) {
  var url = el.getAttribute("data-url");
  function tick() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
      if (p.finished) { window.location.reload(); return; }
      el.textContent = p.total ? "处理中：" + p.done + " / " + p.total : "正在准备…";
      window.setTimeout(tick, 700);
    }).catch(function () { window.setTimeout(tick, 2000); });
  }
  window.setTimeout(tick, 500);
}

function filterBatch() {
  var text = (document.getElementById("batch-filter").value || "").trim();
  var status = document.getElementById("batch-status").value;
  document.querySelectorAll("#batch-report tbody tr").forEach(function (tr) {
    var show = (!text || tr.textContent.indexOf(text) >= 0) && (!status || tr.getAttribute("data-status") === status);
    tr.hidden = !show;
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.add-row").forEach(function (b) {
    b.addEventListener("click", function () { addRow(b); });
  });
  document.querySelectorAll(".tally input, input[id$='-ballots-returned'], input[id$='-ballots-invalid']").forEach(function (el) {
    el.addEventListener("input", updateTallies);
  });
  updateTallies();
  var progress = document.getElementById("batch-progress");
  if (progress && progress.getAttribute("data-finished") === "no") { pollBatch(progress); }
  var filter = document.getElementById("batch-filter");
  if (filter) {
    filter.addEventListener("input", filterBatch);
    document.getElementById("batch-status").addEventListener("change", filterBatch);
  }
});
