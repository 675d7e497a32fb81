#!/usr/bin/env node
// Times ONNX Runtime (CPU execution provider) on one .onnx model: the baseline the Halide
// engine is compared against.
//
//   node run_ort.js --model m.onnx --input input.bin --threads N --warmup W --runs R
//                   [--logits-out out.bin] [--serve]
//   node run_ort.js --rss-baseline
//
// input.bin is float32 little-endian NHWC (1,H,W,3) as written by tools/export_torch.py
// (H = W = the model's input size); it is transposed to the NCHW the ONNX model takes.
// Prints one JSON line:
//   {"engine":"onnxruntime","version":...,"threads":N,"times_ms":[...],"median_ms":...,
//    "peak_rss_kb":...}
// --serve (bench_latency's peer protocol): after loading, warming up and writing the logits,
// prints {"ready":true,...}, then answers stdin lines "run W R" (W untimed + R timed runs)
// with {"times_ms":[...]} and "quit" with {"peak_rss_kb":...}. Peak RSS is the whole node
// process's, interpreter included; --rss-baseline prints it for a process that has only
// loaded onnxruntime-node.
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

function fail(msg) {
  process.stderr.write(`run_ort: error: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { threads: 1, warmup: 3, runs: 20, serve: false, 'rss-baseline': false };
  const ints = new Set(['threads', 'warmup', 'runs']);
  const strs = new Set(['model', 'input', 'logits-out']);
  const flags = new Set(['serve', 'rss-baseline']);
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (argv[i].startsWith('--') && flags.has(key)) {
      opts[key] = true;
      continue;
    }
    const val = argv[++i];
    if (!argv[i - 1].startsWith('--') || (!ints.has(key) && !strs.has(key))) {
      fail(`unknown argument ${argv[i - 1]}`);
    }
    if (val === undefined) fail(`${argv[i - 1]} needs a value`);
    if (ints.has(key)) {
      if (!/^\d+$/.test(val)) fail(`${argv[i - 1]} needs a non-negative integer, got ${val}`);
      opts[key] = Number(val);
    } else {
      opts[key] = val;
    }
  }
  if (opts['rss-baseline']) return opts;
  if (!opts.model || !opts.input) fail('--model and --input are required');
  if (opts.threads < 1 || opts.runs < 1) fail('--threads and --runs must be at least 1');
  return opts;
}

// Reads a raw little-endian float32 file as a Float32Array (copying, so it is aligned).
function readF32(path) {
  let buf;
  try {
    buf = fs.readFileSync(path);
  } catch (e) {
    fail(`cannot read ${path}: ${e.message}`);
  }
  if (buf.length % 4) fail(`${path}: ${buf.length} bytes is not a whole number of float32`);
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(4 * i);
  return out;
}

// (1,H,W,C) -> (1,C,H,W)
function nhwcToNchw(src, h, w, c) {
  const dst = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) dst[(k * h + y) * w + x] = src[(y * w + x) * c + k];
    }
  }
  return dst;
}

// Peak resident set size of this process in KiB (VmHWM, like the other engines report).
function peakRssKb() {
  try {
    const m = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch (e) {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

function round3(t) {
  return Math.round(t * 1000) / 1000;
}

// Answers "run W R" / "quit" lines on stdin (see the header).
async function serve(session, feeds) {
  const readline = require('readline');
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    const f = line.trim().split(/\s+/);
    if (f[0] === '') continue;
    if (f[0] === 'quit') break;
    if (f[0] !== 'run' || f.length !== 3) fail(`unknown command ${line}`);
    const warmup = Number(f[1]);
    const runs = Number(f[2]);
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    process.stdout.write(JSON.stringify({ times_ms: times.map(round3) }) + '\n');
  }
  rl.close();
  process.stdout.write(JSON.stringify({ peak_rss_kb: peakRssKb() }) + '\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function writeLogits(logits, path) {  // logits: Float32Array
  fs.writeFileSync(path, Buffer.from(logits.buffer, logits.byteOffset, logits.byteLength));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts['rss-baseline']) {
    console.log(JSON.stringify({ engine: 'onnxruntime', version: ort.env.versions.common,
                                 peak_rss_kb: peakRssKb() }));
    return;
  }
  const tLoad = process.hrtime.bigint();
  let session;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
  } catch (e) {
    fail(`cannot load ${opts.model}: ${e.message}`);
  }
  const inName = session.inputNames[0];
  const outName = session.outputNames[0];

  // The input must be (1,3,S,S) with S*S*3 floats in the file.
  const nhwc = readF32(opts.input);
  const side = Math.round(Math.sqrt(nhwc.length / 3));
  if (side * side * 3 !== nhwc.length) {
    fail(`${opts.input}: ${nhwc.length} floats is not a square 3-channel image`);
  }
  const feeds = { [inName]: new ort.Tensor('float32', nhwcToNchw(nhwc, side, side, 3),
                                           [1, 3, side, side]) };

  let out;
  if (opts.serve) {
    try {
      for (let i = 0; i < Math.max(opts.warmup, 1); i++) out = await session.run(feeds);
    } catch (e) {
      fail(`inference failed: ${e.message}`);
    }
    if (opts['logits-out']) writeLogits(out[outName].data, opts['logits-out']);
    console.log(JSON.stringify({
      engine: 'onnxruntime',
      version: ort.env.versions.common,
      threads: opts.threads,
      ready: true,
      load_ms: round3(Number(process.hrtime.bigint() - tLoad) / 1e6),
    }));
    await serve(session, feeds);
    await session.release();
    return;
  }
  try {
    for (let i = 0; i < opts.warmup; i++) out = await session.run(feeds);
    const times = [];
    for (let i = 0; i < opts.runs; i++) {
      const t0 = process.hrtime.bigint();
      out = await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(JSON.stringify({
      engine: 'onnxruntime',
      version: ort.env.versions.common,
      threads: opts.threads,
      times_ms: times.map(round3),
      median_ms: round3(median(times)),
      peak_rss_kb: peakRssKb(),
    }));
  } catch (e) {
    fail(`inference failed: ${e.message}`);
  }

  if (opts['logits-out']) writeLogits(out[outName].data, opts['logits-out']);
  await session.release();
}

main();
