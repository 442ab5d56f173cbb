// The page's microphone: getUserMedia → an AudioWorklet making 16 kHz 20 ms PCM frames.
window.Trainer = (function () {
  async function context() {
    try { return new AudioContext({sampleRate: 16000}); } catch (e) { return new AudioContext(); }
  }
  async function openMic(onLevel, onFrame) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("this browser gives the page no microphone (the page needs https:// or localhost)");
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: {
        channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true}});
    } catch (e) {
      if (e.name === "NotAllowedError") throw new Error("permission denied");
      if (e.name === "NotFoundError") throw new Error("no microphone found");
      throw new Error(e.message || e.name);
    }
    let ctx = await context();
    let source;
    try {
      source = ctx.createMediaStreamSource(stream);
    } catch (e) {  // a browser that can't resample the mic into a 16 kHz context
      await ctx.close();
      ctx = new AudioContext();
      source = ctx.createMediaStreamSource(stream);
    }
    await ctx.audioWorklet.addModule("/static/capture-worklet.js");
    const node = new AudioWorkletNode(ctx, "capture");
    node.port.onmessage = (e) => {
      if (onLevel) onLevel(e.data.level);
      if (onFrame) onFrame(e.data.pcm);
    };
    const mute = ctx.createGain();
    mute.gain.value = 0;
    source.connect(node); node.connect(mute); mute.connect(ctx.destination);
    if (ctx.state === "suspended") await ctx.resume();
    const track = stream.getAudioTracks()[0];
    return {ctx, stream, label: track ? track.label : "",
            close() { stream.getTracks().forEach(t => t.stop()); ctx.close(); }};
  }
  return {openMic, context};
})();
