// Console: the little script the pages load (no framework, no build step).
// - Times: every <time data-local> is rewritten in the caseworker's own zone.
// - Ticket page: #transcript[data-events] is an EventSource; each event is one
//   transcript entry as JSON, appended as a new <li> built with textContent
//   only, so nothing a person wrote can become markup.
// - Queue page: #queue[data-events]; any event reloads the page (debounced).
// - Forms with data-confirm ask before submitting.
// The words it shows come from the page (data-* attributes), never from here.
(() => {
  const lang = document.documentElement.lang || undefined;
  const stamp = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

  function localTime(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? "" : stamp.format(date);
  }

  function localizeTimes(root) {
    for (const el of root.querySelectorAll("time[data-local]")) {
      const text = localTime(el.getAttribute("datetime") || "");
      if (text) el.textContent = text;
    }
  }

  // ---- Live indicator -------------------------------------------------------

  const live = document.getElementById("live");

  function setLive(on) {
    if (!live) return;
    live.hidden = false;
    live.classList.toggle("is-on", on);
    live.textContent = (on ? live.dataset.live : live.dataset.offline) || "";
  }

  function listen(url, onEntry) {
    if (!("EventSource" in window)) return;
    const source = new EventSource(url);
    source.addEventListener("open", () => setLive(true));
    source.addEventListener("error", () => setLive(false));
    // Unnamed events arrive as "message"; "entry" is accepted too.
    source.addEventListener("message", onEntry);
    source.addEventListener("entry", onEntry);
    window.addEventListener("pagehide", () => source.close());
  }

  // ---- Ticket page: live transcript ------------------------------------------

  function formatSize(bytes) {
    if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) return "?";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }

  function text(tag, className, value) {
    const el = document.createElement(tag);
    el.className = className;
    el.textContent = value;
    return el;
  }

  const FROM = ["person", "bot", "caseworker", "note", "system"];

  function who(labels, entry) {
    const names = labels.names || {};
    const name = typeof entry.by === "string" ? names[entry.by] || entry.by : "";
    const from = labels.from || {};
    if (entry.from === "caseworker") return name || from.caseworker || "";
    if (entry.from === "note" || entry.from === "system") return name ? `${from[entry.from] || ""} · ${name}` : from[entry.from] || "";
    return from[entry.from] || "";
  }

  function buildEntry(labels, mediaBase, entry) {
    const from = FROM.includes(entry.from) ? entry.from : "system";
    const li = document.createElement("li");
    li.className = `entry entry--${from} is-new`;
    if (typeof entry.at === "string") li.dataset.at = entry.at;
    li.dataset.from = from;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.appendChild(text("p", "entry__who", who(labels, { ...entry, from })));
    if (typeof entry.text === "string" && entry.text) bubble.appendChild(text("p", "entry__text", entry.text));
    const media = entry.media;
    if (media && typeof media === "object" && typeof media.id === "string") {
      const p = document.createElement("p");
      p.className = "entry__media";
      const kinds = labels.media || {};
      p.appendChild(text("span", "entry__media-kind", kinds[media.kind] || String(media.kind || "")));
      p.appendChild(document.createTextNode(` · ${String(media.mime || "")} · ${formatSize(media.size)} · `));
      const a = document.createElement("a");
      a.href = mediaBase + encodeURIComponent(media.id);
      a.textContent = labels.open || "";
      p.appendChild(a);
      bubble.appendChild(p);
    }
    if (typeof entry.at === "string") {
      const time = text("time", "entry__time", localTime(entry.at));
      time.setAttribute("datetime", entry.at);
      bubble.appendChild(time);
    }
    li.appendChild(bubble);
    return li;
  }

  /** The page was rendered with some entries already; a reconnect may send them again. */
  function alreadyShown(list, entry) {
    if (typeof entry.at !== "string") return false;
    for (const li of list.children) {
      if (li.dataset.at === entry.at && li.dataset.from === entry.from) return true;
    }
    return false;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
  }

  const transcript = document.getElementById("transcript");
  if (transcript?.dataset.events) {
    let labels = {};
    try {
      labels = JSON.parse(transcript.dataset.labels || "{}");
    } catch {
      labels = {};
    }
    const mediaBase = transcript.dataset.media || "";
    listen(transcript.dataset.events, (event) => {
      let entry;
      try {
        entry = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!entry || typeof entry !== "object" || alreadyShown(transcript, entry)) return;
      const follow = nearBottom();
      const li = buildEntry(labels, mediaBase, entry);
      transcript.appendChild(li);
      for (const empty of document.querySelectorAll(".transcript-empty")) empty.remove();
      if (follow) li.scrollIntoView({ block: "end", behavior: "smooth" });
    });
  }

  // ---- Queue page: reload on change -------------------------------------------

  const queue = document.getElementById("queue");
  if (queue?.dataset.events) {
    let timer;
    const busy = () => {
      // Do not pull the page from under someone choosing a filter or typing.
      const el = document.activeElement;
      return el instanceof HTMLSelectElement || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;
    };
    const reload = () => {
      if (document.hidden || busy()) {
        timer = setTimeout(reload, 1000);
        return;
      }
      window.location.reload();
    };
    listen(queue.dataset.events, () => {
      clearTimeout(timer);
      timer = setTimeout(reload, 1000);
    });
  }

  // ---- Confirmations -------------------------------------------------------------

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // One tap, one reply: a second tap while the page loads would send it twice.
    setTimeout(() => {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    }, 0);
  });

  // Coming back with the browser's back button shows the page as it was left.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const button of document.querySelectorAll("button[type=submit]")) button.disabled = false;
  });

  localizeTimes(document);
})();
