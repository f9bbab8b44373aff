// Peer for bench/analysis: essentia.js (Essentia compiled to WebAssembly) on the same files.
// Usage: node essentia_peer.js LIST   (LIST: one audio path per line). Needs NODE_PATH with essentia.js.
// Decodes each file with the ffmpeg CLI to mono float at 44.1 kHz (timed separately), then runs
// KeyExtractor with the bgate, edma and temperley profiles and PercivalBpmEstimator, printing one
// JSON object per file with wall (ms) and CPU (cpu_ms) time of each call.
const fs = require('fs');
const { execFileSync } = require('child_process');
const { EssentiaWASM, Essentia } = require('essentia.js');
const essentia = new Essentia(EssentiaWASM);

const files = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
for (const file of files) {
  const t0 = process.hrtime.bigint();
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-ar', '44100', '-f', 'f32le', '-'],
    { maxBuffer: 1 << 30 });
  const samples = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const t1 = process.hrtime.bigint();
  const out = { file, seconds: samples.length / 44100, decode_ms: Number(t1 - t0) / 1e6 };
  const vec = essentia.arrayToVector(samples);
  for (const profile of ['bgate', 'edma', 'temperley']) {
    const k0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const k = essentia.KeyExtractor(vec, true, 4096, 4096, 12, 3500, 60, 25, 0.2, profile, 44100, 0.0001, 440, 'cosine', 'hann');
    const c = process.cpuUsage(c0);
    out[profile] = { key: k.key, scale: k.scale, strength: k.strength, ms: Number(process.hrtime.bigint() - k0) / 1e6,
      cpu_ms: (c.user + c.system) / 1000 };
  }
  const b0 = process.hrtime.bigint();
  const bc0 = process.cpuUsage();
  const b = essentia.PercivalBpmEstimator(vec, 1024, 2048, 128, 128, 210, 50, 44100);
  const bc = process.cpuUsage(bc0);
  out.percival = { bpm: b.bpm, ms: Number(process.hrtime.bigint() - b0) / 1e6, cpu_ms: (bc.user + bc.system) / 1000 };
  vec.delete();
  console.log(JSON.stringify(out));
}
