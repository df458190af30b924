// The ledgerflow viewer's only script: the "as of" control, the live submission timeline and
// the live event log. It reads pages of this viewer only; it never sends anything but GETs.
"use strict";

function asOfControl() {
  const form = document.getElementById("as-of");
  const slider = document.getElementById("as-of-slider");
  const text = document.getElementById("as-of-text");
  if (!form || !slider || !text) return;
  slider.addEventListener("input", () => { text.value = slider.value; });
  slider.addEventListener("change", () => {
    if (slider.value === slider.max && document.body.dataset.past !== "true") return;
    form.submit();
  });
}

function liveTimeline() {
  const box = document.getElementById("timeline-box");
  if (!box || document.body.dataset.past === "true") return;
  const refresh = async () => {
    const timeline = document.getElementById("timeline");
    if (!timeline || timeline.dataset.running !== "true") return;
    try {
      const answer = await fetch(box.dataset.source, { cache: "no-store" });
      if (answer.ok) box.innerHTML = await answer.text();  // HTML drawn and escaped by the server
    } catch (error) { /* the next round tries again */ }
    setTimeout(refresh, 700);
  };
  setTimeout(refresh, 700);
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function liveEvents() {
  const table = document.getElementById("event-log");
  if (!table || !table.dataset.stream || !window.EventSource) return;
  const body = table.tBodies[0];
  const source = new EventSource(table.dataset.stream);
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const row = document.createElement("tr");
    row.className = "new";
    cell(row, String(event.position));
    cell(row, event.time);
    const where = cell(row, "");
    const link = document.createElement("a");
    link.textContent = event.entity_id;
    if (typeof event.link === "string" && event.link.startsWith("/")) link.setAttribute("href", event.link);
    where.appendChild(link);
    cell(row, event.topic);
    cell(row, event.actor);
    cell(row, event.reason);
    body.appendChild(row);
    document.body.dataset.last = String(event.position);
  };
}

document.addEventListener("DOMContentLoaded", () => {
  asOfControl();
  liveTimeline();
  liveEvents();
});
