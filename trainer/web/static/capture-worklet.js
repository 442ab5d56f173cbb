// Captures the microphone as 20 ms frames of 16 kHz mono 16-bit PCM (640 bytes), whatever the
// AudioContext's rate (linear resampling), and the frame's level in dBFS for the meter.
class Capture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / 16000;  // input samples per output sample
    this.pos = 0;                    // fractional read position into the pending input
    this.pending = new Float32Array(0);
    this.frame = new Int16Array(320);
    this.filled = 0;
    this.energy = 0;
  }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    const buf = new Float32Array(this.pending.length + input.length);
    buf.set(this.pending); buf.set(input, this.pending.length);
    while (this.pos + 1 < buf.length) {
      const i = Math.floor(this.pos), f = this.pos - i;
      const v = Math.max(-1, Math.min(1, buf[i] * (1 - f) + buf[i + 1] * f));
      this.frame[this.filled++] = v < 0 ? v * 32768 : v * 32767;
      this.energy += v * v;
      if (this.filled === 320) {
        const level = 10 * Math.log10(this.energy / 320 + 1e-12);
        this.port.postMessage({pcm: this.frame.buffer, level}, [this.frame.buffer]);
        this.frame = new Int16Array(320); this.filled = 0; this.energy = 0;
      }
      this.pos += this.step;
    }
    const used = Math.floor(this.pos);
    this.pending = buf.slice(used);
    this.pos -= used;
    return true;
  }
}
registerProcessor("capture", Capture);
