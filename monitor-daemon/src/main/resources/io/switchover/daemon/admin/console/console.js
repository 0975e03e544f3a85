// switchover web console. Plain JS, no framework, nothing loaded from elsewhere.
// The admin token is sent once, in the body of POST /console/login; after that the browser holds an
// HttpOnly session cookie this script cannot read. State-changing calls carry the session's CSRF
// token (kept in memory only) in X-CSRF-Token. Everything shown is set with textContent, never as
// HTML, so a reason or event detail cannot inject markup.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const RTT_SAMPLES = 120;
  const MAX_EVENTS = 200;

  let csrf = null;
  let source = null;
  let reconnectTimer = null;
  let status = null;
  let pendingCommand = null;
  const rtt = { main: [], aux: [] };

  // ------------------------------------------------------------------ small helpers

  function show(el, visible) { el.hidden = !visible; }

  function text(el, value) { el.textContent = value === undefined || value === null ? "" : String(value); }

  function row(tbody, label, value, cls) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    const td = document.createElement("td");
    text(th, label);
    text(td, value);
    if (cls) td.className = cls;
    tr.append(th, td);
    tbody.append(tr);
    return td;
  }

  function fill(tbodyId, rows) {
    const tbody = $(tbodyId);
    tbody.replaceChildren();
    for (const [label, value, cls] of rows) {
      if (value !== undefined) row(tbody, label, value, cls);
    }
  }

  function ms(micros) { return micros === undefined ? undefined : (micros / 1000).toFixed(2) + " ms"; }

  async function call(method, path, body) {
    const headers = {};
    if (csrf) headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch(path, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = {};
    try { json = await r.json(); } catch (e) { json = { error: "HTTP " + r.status }; }
    return { status: r.status, json };
  }

  // ------------------------------------------------------------------ login

  function showLogin(message) {
    csrf = null;
    stopFeed();
    show($("console"), false);
    show($("logout"), false);
    show($("login"), true);
    text($("login-error"), message || "");
    show($("login-error"), Boolean(message));
    $("token").focus();
  }

  function showConsole(session) {
    csrf = session.csrf;
    text($("title"), "served by " + session.node);
    show($("login"), false);
    show($("console"), true);
    show($("logout"), true);
    startFeed();
  }

  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $("token");
    const token = input.value.trim();
    input.value = "";
    $("login-button").disabled = true;
    try {
      const r = await call("POST", "/console/login", { token });
      if (r.status === 200) showConsole(r.json);
      else showLogin(r.json.error || "login refused (HTTP " + r.status + ")");
    } catch (err) {
      showLogin("the daemon did not answer: " + err);
    } finally {
      $("login-button").disabled = false;
    }
  });

  $("logout").addEventListener("click", async () => {
    try { await call("POST", "/console/logout"); } catch (e) { /* logged out locally anyway */ }
    showLogin("logged out");
  });

  // ------------------------------------------------------------------ live feed

  function setLive(on, label) {
    const el = $("live");
    el.className = "live " + (on ? "on" : "off");
    text(el, label);
  }

  function stopFeed() {
    if (source) source.close();
    source = null;
    clearTimeout(reconnectTimer);
  }

  function startFeed() {
    stopFeed();
    source = new EventSource("/console/events");
    source.addEventListener("open", () => setLive(true, "live"));
    source.addEventListener("status", (e) => renderStatus(JSON.parse(e.data)));
    source.addEventListener("history", (e) => {
      $("timeline").replaceChildren();
      for (const ev of JSON.parse(e.data).events) addEvent(ev);
    });
    source.addEventListener("event", (e) => onEvent(JSON.parse(e.data)));
    source.addEventListener("closed", (e) => {
      setLive(false, "feed closed: " + JSON.parse(e.data).reason);
      reconnectSoon();
    });
    source.addEventListener("error", () => {
      setLive(false, "reconnecting");
      if (source && source.readyState === EventSource.CLOSED) reconnectSoon();
    });
  }

  // The browser retries a dropped stream by itself; a refused one (401 after the session ended,
  // 503 when full) is closed for good, so we check the session and start over.
  function reconnectSoon() {
    if (source) source.close();
    source = null;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(checkSession, 2000);
  }

  async function checkSession() {
    try {
      const r = await call("GET", "/console/session");
      if (r.status === 200) showConsole(r.json);
      else showLogin(csrf ? "the session ended: log in again" : "");
    } catch (e) {
      setLive(false, "daemon unreachable");
      reconnectTimer = setTimeout(checkSession, 2000);
    }
  }

  // ------------------------------------------------------------------ rendering

  function renderNode(card, n) {
    text(card.querySelector(".node-id"), n.id);
    const badge = card.querySelector(".node-state");
    text(badge, n.state || "unknown");
    badge.className = "node-state badge " + (n.state || "");
    text(card.querySelector(".node-generation"), n.generation === undefined ? "?" : n.generation);
    text(card.querySelector(".node-release"), n.release || "?");
    text(card.querySelector(".node-reason"), n.reason || "");
  }

  // The peer's own account (asked over the notifier, with its reason) when it is fresh; otherwise
  // what this node last learned from pings and the handshake, said as such.
  function peerView(node, peer) {
    const r = peer.reported || {};
    if (r.state && r.ageMillis !== undefined && r.ageMillis < 5000) {
      return { id: r.id || peer.id, state: r.state, generation: r.generation, release: r.release,
        reason: r.explanation || r.lastTransition };
    }
    const why = r.unavailable || r.lastProblem || ("its last account is " + r.ageMillis + " ms old");
    return {
      id: peer.id, state: peer.state, generation: peer.generation, release: peer.release,
      reason: (peer.stateSeenAt ? "as " + node.id + " last heard from it at " + peer.stateSeenAt
        : "not heard from yet (notifier " + (peer.notifier || "?") + ")") + "; its own account: " + why,
    };
  }

  function renderStatus(s) {
    status = s;
    const node = s.node || {};
    const peer = s.peer || {};
    renderNode($("node-self"), {
      id: node.id, state: node.state, generation: node.generation, release: node.release,
      reason: node.explanation || node.lastTransition,
    });
    renderNode($("node-peer"), peerView(node, peer));
    show($("rejoin"), node.state === "FAILED");
    renderConnections(s);
    renderModule(s.module || {}, peer.reported);
    renderNetwork(s.network || {});
    renderReplication(s.replication || {});
    if (pendingCommand) progressFromStatus(node);
  }

  // The backup pings the primary; on the primary the round trips are those its peer reports.
  function pairPings(s) {
    const own = s.pings || {};
    if (Object.keys(own).length) return { pings: own, by: s.node && s.node.id };
    const reported = (s.peer && s.peer.reported) || {};
    return { pings: reported.pings || {}, by: reported.id || (s.peer && s.peer.id) };
  }

  function renderConnections(s) {
    const c = s.connections || {};
    const { pings: p, by } = pairPings(s);
    const pingText = (x) => x ? x.outcome + (x.rttMicros !== undefined ? ", " + ms(x.rttMicros) : "") + (x.detail ? ": " + x.detail : "") : "no ping yet";
    fill("connections", [
      ["main", c.main, c.main === "up" ? "up" : "down"],
      ["aux", c.aux, c.aux === "up" ? "up" : "down"],
      ["from the peer", c.fromPeer],
      ["last ping main (by " + by + ")", pingText(p.main)],
      ["last ping aux (by " + by + ")", pingText(p.aux)],
      ["last connection event", c.lastEvent],
    ]);
    for (const k of ["main", "aux"]) {
      const x = p[k];
      rtt[k].push(x && x.rttMicros !== undefined && x.outcome === "SUCCESS" ? x.rttMicros / 1000 : null);
      if (rtt[k].length > RTT_SAMPLES) rtt[k].shift();
    }
    drawRtt();
  }

  function drawRtt() {
    const all = rtt.main.concat(rtt.aux).filter((v) => v !== null);
    const top = Math.max(1, ...all) * 1.15;
    text($("rtt-scale"), all.length ? "scale 0 - " + top.toFixed(2) + " ms, last " + RTT_SAMPLES + " s" : "no round trips yet");
    for (const k of ["main", "aux"]) {
      const pts = [];
      rtt[k].forEach((v, i) => {
        if (v === null) return;
        const x = (i / (RTT_SAMPLES - 1)) * 600;
        const y = 120 - (v / top) * 115;
        pts.push(x.toFixed(1) + "," + y.toFixed(1));
      });
      $("rtt-" + k).setAttribute("points", pts.join(" "));
    }
  }

  function renderModule(m, reported) {
    const own = m.lastPings || {};
    const lp = Object.keys(own).length ? own : (reported && reported.modulePings) || {};
    const one = (x) => x ? x.outcome + (x.detail ? ": " + x.detail : "") + " (" + x.at + ")" : undefined;
    fill("module", [
      ["name", m.name],
      ["check", m.check],
      ["last ping via main", one(lp.main)],
      ["last ping via aux", one(lp.aux)],
    ]);
  }

  function renderNetwork(n) {
    fill("network", [
      ["status", n.status],
      ["rule", n.decidedBy],
      ["primary host", n.primaryHost],
      ["connections", n.connections],
      ["probes", n.probes],
      ["gateways", Array.isArray(n.gateways) ? n.gateways.join(", ") : n.gateways],
    ]);
    const ul = $("network-checks");
    ul.replaceChildren();
    for (const c of n.checks || []) {
      const li = document.createElement("li");
      text(li, c);
      ul.append(li);
    }
  }

  function renderReplication(r) {
    const g = r.registry || {};
    const lag = g.lagChanges !== undefined ? g.lagChanges + " changes, " + g.lagMillis + " ms" : undefined;
    fill("registry", [
      ["registry role", g.role],
      ["keys", g.keys],
      ["in sync", g.backupInSync !== undefined ? g.backupInSync : g.inSync],
      ["backup", g.backup],
      ["primary", g.primary],
      ["phase", g.phase],
      ["lag", lag],
      ["error", g.error || g.storeFailure],
    ]);
    const m = r.mirror;
    show($("mirror-table"), Boolean(m));
    const tbody = $("mirror");
    tbody.replaceChildren();
    if (!m) return;
    for (const d of m.directories || []) {
      const tr = document.createElement("tr");
      for (const v of [d.directory, d.mode, d.files, d.pending, d.lastSync, d.errors + (d.lastError ? ": " + d.lastError : "")]) {
        const td = document.createElement("td");
        text(td, v);
        tr.append(td);
      }
      tbody.append(tr);
    }
  }

  function describe(ev) {
    if (ev.type === "transition") return ev.from + " -> " + ev.to + " (generation " + ev.generation + "): " + ev.cause + ": " + ev.detail;
    if (ev.type === "notice") return ev.kind + ": " + ev.detail;
    const skip = new Set(["time", "sequence", "type"]);
    return Object.entries(ev).filter(([k]) => !skip.has(k)).map(([k, v]) => k + "=" + v).join(", ");
  }

  function addEvent(ev) {
    const li = document.createElement("li");
    li.className = "event " + ev.type;
    const time = document.createElement("span");
    time.className = "time";
    text(time, ev.time);
    const type = document.createElement("span");
    type.className = "type";
    text(type, ev.type);
    const what = document.createElement("span");
    what.className = "what";
    text(what, describe(ev));
    li.append(time, type, what);
    const list = $("timeline");
    list.prepend(li);
    while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  }

  // ------------------------------------------------------------------ switch over, rejoin

  function progress(message) {
    text($("command-progress"), message);
    show($("command-progress"), Boolean(message));
  }

  function refusal(message) {
    text($("command-refusal"), message);
    show($("command-refusal"), Boolean(message));
  }

  function onEvent(ev) {
    addEvent(ev);
    if (pendingCommand && ev.type === "transition") {
      progress($("command-progress").textContent + "\n" + ev.time + "  " + describe(ev));
    }
  }

  function progressFromStatus(node) {
    const settled = ["PRIMARY", "BACKUP", "UPGRADE_HIGHER", "UPGRADE_LOWER", "FAILED"];
    if (node.state !== pendingCommand.fromState && settled.includes(node.state)) {
      const ms = Math.round(performance.now() - pendingCommand.started);
      progress($("command-progress").textContent + "\ndone after " + ms + " ms: " + node.id + " is " + node.state);
      pendingCommand = null;
      $("switch").disabled = false;
    }
  }

  async function command(path, label) {
    refusal("");
    const fromState = status && status.node ? status.node.state : null;
    pendingCommand = { fromState, started: performance.now() };
    $("switch").disabled = true;
    progress(label + " requested...");
    try {
      const r = await call("POST", path);
      if (r.status === 200) {
        progress(label + " accepted: " + r.json.detail);
        return;
      }
      pendingCommand = null;
      progress("");
      if (r.status === 401) { showLogin("the session ended: log in again"); return; }
      refusal(label + " refused: " + (r.json.detail || r.json.error || "HTTP " + r.status));
    } catch (e) {
      pendingCommand = null;
      progress("");
      refusal(label + " failed: the daemon did not answer (" + e + ")");
    } finally {
      if (!pendingCommand) $("switch").disabled = false;
    }
  }

  $("switch").addEventListener("click", () => {
    const node = (status && status.node) || {};
    const peer = (status && status.peer) || {};
    const primary = node.state === "PRIMARY" ? node.id : peer.id;
    const backup = node.state === "PRIMARY" ? peer.id : node.id;
    text($("confirm-text"), "Controlled switchover: " + primary + " stops accepting writes, replication drains, and "
      + backup + " becomes primary with the next generation. It is refused, with the reason, when it is not safe.");
    $("confirm").returnValue = "";
    $("confirm").showModal();
  });

  $("confirm").addEventListener("close", () => {
    if ($("confirm").returnValue === "yes") command("/console/switch", "switchover");
  });

  $("rejoin").addEventListener("click", () => command("/console/rejoin", "rejoin"));

  checkSession();
})();
