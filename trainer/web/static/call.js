// The live call: one WebSocket (hello, 20 ms PCM frames up; caller PCM, state and transcript
// down), a player that schedules the caller's audio and flushes it on `clear`, push-to-talk,
// Repeat, Help, typed replies, and reconnection after a dropped socket.
(function () {
  const box = document.getElementById("call");
  const persona = box.dataset.persona;
  let typed = box.dataset.typed === "1";
  const $ = (id) => document.getElementById(id);
  const stats = window.callStats = {framesSent: 0, bytesReceived: 0, clears: 0, playedSamples: 0,
                                    state: "idle", ended: null, messages: []};
  let ws = null, mic = null, ctx = null, callId = null, ended = false, retries = 0;
  let pttMode = false, pttDown = false;

  const STATES = {listening: "Listening — your turn", thinking: "Thinking…", speaking: "Caller speaking",
                  idle: "Ready", connecting: "Connecting…", ended: "Call ended", away: "Reconnecting…"};
  function setState(s) {
    stats.state = s;
    const el = $("state");
    el.textContent = STATES[s] || s;
    el.className = "state " + s;
  }
  function notice(text) { const n = $("notice"); n.textContent = text; n.hidden = !text; }

  // --- the caller's voice ---------------------------------------------------------------------
  const player = {
    next: 0, sources: [], rate: 22050, utt: 0, line: [], lastLine: [],
    start(utt, rate) { this.utt = utt; this.rate = rate; },
    play(chunk, rate, keep) {
      const i16 = new Int16Array(chunk);
      const f = new Float32Array(i16.length);
      for (let i = 0; i < i16.length; i++) f[i] = i16[i] / 32768;
      const buf = ctx.createBuffer(1, f.length, rate);
      buf.copyToChannel(f, 0);
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(ctx.destination);
      const at = Math.max(ctx.currentTime + 0.02, this.next);
      src.start(at);
      this.next = at + buf.duration;
      this.sources.push(src);
      src.onended = () => {
        this.sources = this.sources.filter(s => s !== src);
        stats.playedSamples += i16.length;
      };
      if (keep) this.line.push([chunk, rate]);
    },
    push(chunk) { this.play(chunk, this.rate, true); },
    clear() {
      this.sources.forEach(s => { try { s.stop(); } catch (e) {} });
      this.sources = []; this.next = 0; stats.clears += 1;
    },
    endLine() { if (this.line.length) { this.lastLine = this.line; this.line = []; } },
    repeat() { this.clear(); this.lastLine.forEach(([c, r]) => this.play(c, r, false)); },
    drained() { return !ctx || ctx.currentTime >= this.next; },
  };

  // --- transcript -----------------------------------------------------------------------------
  let callerLi = null;
  function say(speaker, text) {
    const list = $("transcript");
    if (speaker === "caller" && callerLi) { callerLi.querySelector("span").textContent += " " + text; return; }
    const li = document.createElement("li");
    li.className = speaker;
    li.innerHTML = `<b>${speaker === "caller" ? "Caller" : "You"}:</b> <span></span>`;
    li.querySelector("span").textContent = text;
    list.appendChild(li);
    li.scrollIntoView({block: "nearest"});
    callerLi = speaker === "caller" ? li : null;
  }

  // --- the socket -----------------------------------------------------------------------------
  function url() {
    const q = callId ? `resume=${encodeURIComponent(callId)}` : `persona=${encodeURIComponent(persona)}`;
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/call?${q}`;
  }
  function connect() {
    setState(callId ? "away" : "connecting");
    ws = new WebSocket(url());
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      ws.send(JSON.stringify(typed ? {type: "hello", mode: "text"}
                                   : {type: "hello", format: "pcm_s16le", rate: 16000, frame_ms: 20}));
      if (!typed) send({type: "ptt", mode: pttMode});
      retries = 0;
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") { stats.bytesReceived += e.data.byteLength; player.push(e.data); return; }
      handle(JSON.parse(e.data));
    };
    ws.onclose = () => {
      if (ended) return;
      if (callId && retries < 10) { retries += 1; setState("away"); setTimeout(connect, 1000); return; }
      setState("idle");
    };
  }
  function handle(m) {
    stats.messages.push(m.type);
    switch (m.type) {
      case "started": callId = m.call; enable(true); break;
      case "resumed": callId = m.call; enable(true); notice(""); break;
      case "state":
        if (m.state === "listening") { player.endLine(); callerLi = null; }
        setState(m.state); break;
      case "tts_start": player.start(m.utt, m.rate); break;
      case "tts_end": {
        const utt = m.utt, wait = Math.max(0, (player.next - ctx.currentTime) * 1000);
        setTimeout(() => send({type: "playback", utt, played_ms: Math.round(stats.playedSamples / player.rate * 1000)}), wait);
        break;
      }
      case "clear": player.clear(); break;
      case "transcript": say(m.speaker, m.text); break;
      case "mood": $("anger").value = m.anger; break;
      case "busy": case "error": notice(m.message); if (m.type === "busy") { ended = true; setState("idle"); } break;
      case "ended": finish(m); break;
    }
  }
  function send(obj) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj)); }
  function finish(m) {
    ended = true; stats.ended = m;
    setState("ended");
    enable(false);
    notice(`Call ended (${(m.ended_by || "").replaceAll("_", " ")}). Grading your call…`);
    const go = () => { if (player.drained()) { if (mic) mic.close(); location.href = m.debrief_url; } else setTimeout(go, 200); };
    go();
  }
  function enable(on) {
    $("end").disabled = !on; $("repeat").disabled = !on;
    $("reply").disabled = !on || !typed;
    $("typed").querySelector("button").disabled = !on || !typed;
  }

  // --- controls -------------------------------------------------------------------------------
  $("start").addEventListener("click", async () => {
    $("start").disabled = true;
    if (!typed) {
      try {
        mic = await Trainer.openMic(
          (level) => { $("level").style.width = Math.min(100, Math.max(0, (level + 60) * 100 / 60)) + "%"; },
          (pcm) => {
            if (!ws || ws.readyState !== WebSocket.OPEN || !callId || ended) return;
            if (pttMode && !pttDown) return;
            ws.send(pcm); stats.framesSent += 1;
          });
        ctx = mic.ctx;
      } catch (e) {
        typed = true;
        $("typed").hidden = false;
        notice(`Microphone unavailable (${e.message}): type your replies instead. ` +
               "See the microphone check page for how to allow it.");
      }
    }
    if (!ctx) ctx = await Trainer.context();
    if (ctx.state === "suspended") await ctx.resume();
    connect();
  });
  $("end").addEventListener("click", () => { send({type: "end"}); player.clear(); $("end").disabled = true; });
  $("repeat").addEventListener("click", () => player.repeat());
  $("help-button").addEventListener("click", () => {
    const h = $("help"); h.hidden = !h.hidden;
    $("help-button").setAttribute("aria-expanded", String(!h.hidden));
  });
  $("show-transcript").addEventListener("change", (e) => { $("transcript").hidden = !e.target.checked; });
  // Push-to-talk: frames go up only while the button (or Space) is held; the server is told
  // when it is pressed and let go, and ends the turn on the release.
  $("ptt-mode").addEventListener("change", (e) => {
    pttMode = e.target.checked; $("ptt").hidden = !pttMode;
    if (!typed) send({type: "ptt", mode: pttMode});
  });
  const down = () => {
    if (pttDown) return;
    send({type: "ptt", down: true});  // before the first frame of this turn
    pttDown = true; $("ptt").classList.add("held");
  };
  const up = () => {
    if (!pttDown) return;
    pttDown = false; $("ptt").classList.remove("held");
    send({type: "ptt", down: false});
  };
  $("ptt").addEventListener("pointerdown", down);
  $("ptt").addEventListener("pointerup", up);
  $("ptt").addEventListener("pointerleave", up);
  document.addEventListener("keydown", (e) => {
    if (pttMode && e.code === "Space" && document.activeElement.tagName !== "INPUT") { e.preventDefault(); down(); }
  });
  document.addEventListener("keyup", (e) => { if (pttMode && e.code === "Space") up(); });
  $("typed").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    send({type: "text", text});
    $("reply").value = "";
  });
  const resume = new URLSearchParams(location.search).get("resume");
  if (resume) { callId = resume; }
})();
