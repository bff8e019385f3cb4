// Specialist console: sign in, watch the institution's queue, accept a call, talk, end with an outcome.
// The kiosk offers; this page answers. ICE is relay-only (TURN credentials from the gateway), so
// neither side learns the other's addresses. window.pietura exposes the state (tests read it).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { view: "sign-in", call: null, outcome: null, error: null, pc: null, ws: null, seq: 0 };
  window.pietura = state;
  let lang = "lv";
  const words = {
    lv: { waiting: "gaida {s} s", accept: "Pieņemt", connecting: "Savienojas…", inCall: "Saruna notiek",
          ended: "Saruna beigusies", failed: "Neizdevās pieslēgties (lietotājvārds, parole vai kods)",
          gone: "Zvanu jau pieņēma cits speciālists vai tas beidzās", camera: "Kamera vai mikrofons nav pieejams",
          mute: "Izslēgt mikrofonu", unmute: "Ieslēgt mikrofonu", last: "Pēdējā saruna beidzās: {outcome}",
          resolved: "atrisināts", referred: "pāradresēts", callback: "jāatzvana", ended_by_citizen: "iedzīvotājs beidza",
          dropped: "savienojums pārtrūka", cancelled: "atcelts", unanswered: "neatbildēts",
          reached: "Sazinājos", unreachable: "Neatbild", wrong_number: "Nepareizs numurs",
          requested: "pieprasīts {at}", kiosk: "kiosks {id}",
          eid_unavailable: "Web eID šajā pārlūkā nav pieejams (vajag Web eID paplašinājumu un karšu lasītāju)",
          specialist_unknown: "Šīs kartes īpašnieks nav reģistrēts kā speciālists",
          eid_failed: "Pieslēgšanās ar eID neizdevās: {code}" },
    en: { waiting: "waiting {s} s", accept: "Accept", connecting: "Connecting…", inCall: "Call in progress",
          ended: "Call ended", failed: "Sign-in failed (user name, password or code)",
          gone: "Another specialist took this call or it ended", camera: "Camera or microphone not available",
          mute: "Mute", unmute: "Unmute", last: "Last call ended: {outcome}",
          resolved: "resolved", referred: "referred", callback: "call back", ended_by_citizen: "the citizen ended it",
          dropped: "connection lost", cancelled: "cancelled", unanswered: "unanswered",
          reached: "Reached", unreachable: "No answer", wrong_number: "Wrong number",
          requested: "asked {at}", kiosk: "kiosk {id}",
          eid_unavailable: "Web eID is not available in this browser (it needs the Web eID extension and a card reader)",
          specialist_unknown: "This card's holder is not registered as a specialist",
          eid_failed: "eID sign-in failed: {code}" },
  };
  const t = (key, args = {}) => words[lang][key].replace(/\{(\w+)\}/g, (_, k) => args[k]);

  function show(view) {
    state.view = view;
    $("sign-in-view").hidden = view !== "sign-in";
    $("queue-view").hidden = view !== "queue";
    $("call-view").hidden = view !== "call";
    $("sign-out").hidden = view === "sign-in";
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Pietura-Console": "1" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(data.error || "http_" + response.status), { code: data.error });
    return data;
  }

  $("lang").addEventListener("click", () => {
    lang = lang === "lv" ? "en" : "lv";
    document.documentElement.lang = lang;
    $("lang").textContent = lang === "lv" ? "English" : "Latviski";
    document.querySelectorAll("[data-lv]").forEach((el) => { el.textContent = el.dataset[lang]; });
  });

  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      const me = await api("POST", "/console/api/sign-in",
        { username: $("username").value, password: $("password").value, code: $("code").value });
      $("password").value = ""; $("code").value = "";
      signedIn(me);
    } catch (err) {
      state.error = err.code || String(err);
      $("sign-in-error").textContent = t("failed");
    }
  });

  // Web eID: the browser extension's message interface (what the web-eid.js library wraps). The page asks
  // with {action: "web-eid:authenticate", challengeNonce}; the extension acknowledges within a few seconds,
  // then answers "web-eid:authenticate-success" with the token fields, or "-failure" with an error.
  function webEidAuthenticate(nonce) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const stop = (fn, value) => { clearTimeout(timer); window.removeEventListener("message", listen); fn(value); };
      const listen = (event) => {
        if (event.source !== window || !event.data || typeof event.data.action !== "string") return;
        const { action } = event.data;
        if (action === "web-eid:authenticate-ack") {
          clearTimeout(timer); timer = setTimeout(() => stop(reject, "eid_timeout"), 240000);
        } else if (action === "web-eid:authenticate-success") {
          const { unverifiedCertificate, algorithm, signature, format, appVersion } = event.data;
          stop(resolve, { unverifiedCertificate, algorithm, signature, format, appVersion });
        } else if (action === "web-eid:authenticate-failure") {
          stop(reject, (event.data.error && event.data.error.code) || "eid_failed");
        }
      };
      window.addEventListener("message", listen);
      timer = setTimeout(() => stop(reject, "eid_unavailable"), 4000);  // no extension answered
      window.postMessage({ action: "web-eid:authenticate", libraryVersion: "2.0.0", challengeNonce: nonce,
                           options: { lang } }, location.origin);
    });
  }

  function signedIn(me) {
    $("who").textContent = me.display_name || me.username;  // the name the citizen sees, when there is one
    $("institution").textContent = me.institution;
    show("queue");
    poll();
  }

  $("eid-sign-in").addEventListener("click", async () => {
    $("eid-error").textContent = "";
    try {
      const challenge = await api("POST", "/console/api/eid/challenge");
      const token = await webEidAuthenticate(challenge.nonce);
      signedIn(await api("POST", "/console/api/eid/sign-in", { nonce: challenge.nonce, token }));
    } catch (err) {
      const code = typeof err === "string" ? err : (err.code || String(err));
      state.error = code;
      $("eid-error").textContent = words[lang][code] || t("eid_failed", { code });
    }
  });

  $("sign-out").addEventListener("click", async () => {
    await api("POST", "/console/api/sign-out").catch(() => {});
    location.reload();
  });

  let pollTimer = null;
  async function poll() {
    clearTimeout(pollTimer);
    if (state.view !== "queue") return;
    try {
      const data = await api("GET", "/console/api/queue");
      renderQueue(data.calls);
      $("queue-error").textContent = "";
      renderCallbacks((await api("GET", "/console/api/callbacks")).callbacks);
    } catch (err) {
      if (err.code === "specialist_session_missing") { location.reload(); return; }
      $("queue-error").textContent = err.code || String(err);
    }
    pollTimer = setTimeout(poll, 2000);
  }

  function renderQueue(calls) {
    const body = $("queue").querySelector("tbody");
    body.replaceChildren();
    $("queue-empty").hidden = calls.length > 0;
    for (const call of calls) {
      const row = document.createElement("tr");
      const topic = document.createElement("td"); topic.textContent = call.topic;
      const waited = document.createElement("td"); waited.textContent = t("waiting", { s: call.waiting_s });
      const cell = document.createElement("td");
      const button = document.createElement("button");
      button.type = "button"; button.className = "accept"; button.dataset.call = call.call_id;
      button.textContent = t("accept");
      button.addEventListener("click", () => accept(call.call_id));
      cell.append(button); row.append(topic, waited, cell); body.append(row);
    }
  }

  // Callback requests from kiosk tickets: the number is shown only here, and deleted when one is closed.
  function renderCallbacks(items) {
    state.callbacks = items.map((item) => item.reference);
    const body = $("callbacks").querySelector("tbody");
    body.replaceChildren();
    $("callbacks-empty").hidden = items.length > 0;
    for (const item of items) {
      const row = document.createElement("tr");
      row.dataset.reference = item.reference;
      const asked = new Date(item.requested_at).toLocaleString(lang === "lv" ? "lv-LV" : "en-GB",
        { dateStyle: "short", timeStyle: "short" });
      const cells = [groupedPhone(item.phone), item.reference, item.topic, t("requested", { at: asked }),
                     t("kiosk", { id: item.kiosk })].map((text) => {
        const cell = document.createElement("td"); cell.textContent = text; return cell;
      });
      cells[0].className = "phone"; cells[1].className = "reference"; cells[3].className = "nowrap";
      const actions = document.createElement("td");
      for (const outcome of ["reached", "unreachable", "wrong_number"]) {
        const button = document.createElement("button");
        button.type = "button"; button.className = "callback-done"; button.dataset.outcome = outcome;
        button.textContent = t(outcome);
        button.addEventListener("click", () => closeCallback(item.callback_id, outcome));
        actions.append(button);
      }
      row.append(...cells, actions); body.append(row);
    }
  }

  // As the ticket prints it (kiosk/call/ticket.py): +371 2000 0000, other numbers in fours from the right.
  function groupedPhone(number) {
    let digits = number.replace(/\D/g, ""), prefix = "";
    if (number.startsWith("+371") && digits.length === 11) { prefix = "+371 "; digits = digits.slice(3); }
    else if (number.startsWith("+")) prefix = "+";
    const groups = [];
    while (digits) { groups.unshift(digits.slice(-4)); digits = digits.slice(0, -4); }
    return prefix + groups.join(" ");
  }

  async function closeCallback(id, outcome) {
    try {
      await api("POST", `/console/api/callbacks/${encodeURIComponent(id)}/done`, { outcome });
      $("callbacks-error").textContent = "";
    } catch (err) { $("callbacks-error").textContent = err.code || String(err); }
    poll();
  }

  function send(kind, fields) {
    state.seq += 1;
    state.ws.send(JSON.stringify({ call: state.call, from: "specialist", seq: state.seq, kind, ...fields }));
  }

  async function accept(callId) {
    let grant;
    try { grant = await api("POST", `/console/api/calls/${encodeURIComponent(callId)}/accept`); } catch (err) {
      $("queue-error").textContent = t("gone"); state.error = err.code; poll(); return;
    }
    state.call = callId; state.seq = 0; state.outcome = null; state.muted = false;
    $("mute").textContent = t("mute"); $("mute").setAttribute("aria-pressed", "false");
    show("call");
    $("call-state").textContent = t("connecting");
    let media;
    try { media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true }); }
    catch (err) { state.error = "camera_unavailable"; $("call-state").textContent = t("camera"); }
    const turn = grant.turn;
    const pc = new RTCPeerConnection({
      iceServers: [{ urls: turn.urls, username: turn.username, credential: turn.credential }],
      iceTransportPolicy: "relay",
    });
    state.pc = pc;
    if (media) { media.getTracks().forEach((track) => pc.addTrack(track, media)); $("local").srcObject = media; }
    pc.ondatachannel = (event) => {
      if (event.channel.label !== "identity") return;
      event.channel.onmessage = (message) => {
        const who = JSON.parse(message.data);
        state.citizen = true;
        $("citizen").textContent = `${who.given_name} ${who.surname}, ${who.personal_code}`;
        $("citizen").hidden = false;
      };
    };
    // The kiosk's camera and microphone play in #remote; a second video track is the kiosk's own screen,
    // negotiated with the call and sending only while the citizen shows it (watchScreen).
    state.remoteStream = new MediaStream();
    $("remote").srcObject = state.remoteStream;
    pc.ontrack = (event) => {
      if (event.track.kind === "video" && state.camera && state.camera !== event.track) {
        watchScreen(event.receiver); return;
      }
      if (event.track.kind === "video") state.camera = event.track;
      state.remoteStream.addTrack(event.track);
    };
    pc.onicecandidate = (event) => {
      if (event.candidate) send("ice", { candidate: event.candidate.candidate, mid: event.candidate.sdpMid || "" });
      else send("ice", { candidate: "", mid: "" });
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") { state.view = "call"; state.connected = true;
        $("call-state").textContent = t("inCall"); }
    };
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}${grant.signal_path}?ticket=${encodeURIComponent(grant.ticket)}`);
    state.ws = ws;
    ws.onmessage = async (event) => {
      const msg = JSON.parse(event.data);
      if (msg.kind === "offer") {
        await pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send("answer", { sdp: pc.localDescription.sdp });
      } else if (msg.kind === "ice" && msg.candidate) {
        await pc.addIceCandidate({ candidate: msg.candidate, sdpMid: msg.mid || "0" }).catch(() => {});
      } else if (msg.kind === "ended") {
        finish(msg.outcome);
      } else if (msg.kind === "refused") {
        state.error = msg.error;
      }
    };
    ws.onclose = () => { if (state.view === "call" && !state.outcome) finish("dropped"); };
  }

  // The screen is shown while its frames arrive (counted from the receiver's statistics, so it works
  // whether or not the picture is on screen) and hidden two seconds after the last one.
  function watchScreen(receiver) {
    $("screen").srcObject = new MediaStream([receiver.track]);
    let last = 0, lastAt = 0;
    state.screenTimer = setInterval(async () => {
      const stats = await receiver.getStats().catch(() => null);
      let frames = 0;
      if (stats) stats.forEach((r) => { if (r.type === "inbound-rtp") frames = r.framesReceived ?? r.framesDecoded ?? 0; });
      if (frames > last) { last = frames; lastAt = performance.now(); }
      showScreen(lastAt > 0 && performance.now() - lastAt < 2000);
    }, 400);
  }

  function showScreen(on) {
    state.sharing = on;
    $("videos").classList.toggle("sharing", on);
    $("screen-label").hidden = !on;
  }

  function finish(outcome) {
    clearInterval(state.screenTimer); state.screenTimer = null;
    showScreen(false); $("screen").srcObject = null; state.camera = null; state.remoteStream = null;
    state.outcome = outcome;
    if (state.pc) { state.pc.getSenders().forEach((s) => s.track && s.track.stop()); state.pc.close(); }
    state.pc = null; state.citizen = false;
    $("citizen").textContent = ""; $("citizen").hidden = true;
    $("remote").srcObject = null; $("local").srcObject = null;
    $("call-state").textContent = t("ended");
    $("last-call").textContent = t("last", { outcome: words[lang][outcome] || outcome });
    show("queue");
    poll();
  }

  document.querySelectorAll("button.end").forEach((button) => button.addEventListener("click", () => {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) send("end", { outcome: button.dataset.outcome });
    else api("POST", `/console/api/calls/${encodeURIComponent(state.call)}/end`, { outcome: button.dataset.outcome })
      .then(() => finish(button.dataset.outcome)).catch(() => finish(button.dataset.outcome));
  }));

  $("mute").addEventListener("click", () => {
    if (!state.pc) return;
    state.muted = !state.muted;
    state.pc.getSenders().forEach((s) => { if (s.track && s.track.kind === "audio") s.track.enabled = !state.muted; });
    $("mute").textContent = t(state.muted ? "unmute" : "mute");
    $("mute").setAttribute("aria-pressed", String(state.muted));
  });

  api("GET", "/console/api/queue").then((data) => {
    $("who").textContent = data.display_name || data.username; $("institution").textContent = data.institution;
    show("queue"); renderQueue(data.calls); poll();
  }).catch(() => show("sign-in"));
})();
