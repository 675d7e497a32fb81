#!/usr/bin/env node
// Runs the real TFLite interpreter (the WebAssembly build shipped in npm
// @tensorflow/tfjs-tflite@0.0.1-alpha.6, builtin integer kernels, no XNNPACK)
// on a uint8 .tflite image classifier and one raw RGB image.
//
//   node run_tflite.js --model M.tflite --pixels P.rgb [--top K] [--pixels-size N] [--wasm plain|simd]
//
// P.rgb: raw N*N*3 uint8 RGB, row-major (HWC), N = 224 unless --pixels-size.
// Prints one JSON line:
//   {"model": basename, "top": [[class_index, uint8_score], ...], "output": [all uint8 outputs]}
// Errors: one line on stderr, exit 1.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(msg) {
  process.stderr.write('run_tflite: ' + msg + '\n');
  process.exit(1);
}

function usage() {
  return 'usage: node run_tflite.js --model M.tflite --pixels P.rgb [--top K] ' +
         '[--pixels-size N] [--wasm plain|simd]';
}

function parseArgs(argv) {
  const opts = {model: null, pixels: null, top: 5, size: 224, wasm: 'plain'};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const needValue = () => {
      if (i + 1 >= argv.length) fail('missing value for ' + a + '; ' + usage());
      return argv[++i];
    };
    const posInt = (v, name, min) => {
      if (!/^\d+$/.test(v) || Number(v) < min) fail(name + ' must be an integer >= ' + min + ', got "' + v + '"');
      return Number(v);
    };
    if (a === '--model') opts.model = needValue();
    else if (a === '--pixels') opts.pixels = needValue();
    else if (a === '--top') opts.top = posInt(needValue(), '--top', 0);
    else if (a === '--pixels-size') opts.size = posInt(needValue(), '--pixels-size', 1);
    else if (a === '--wasm') {
      opts.wasm = needValue();
      if (opts.wasm !== 'plain' && opts.wasm !== 'simd') fail('--wasm must be plain or simd');
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(usage() + '\n');
      process.exit(0);
    } else fail('unknown argument "' + a + '"; ' + usage());
  }
  if (!opts.model) fail('--model is required; ' + usage());
  if (!opts.pixels) fail('--pixels is required; ' + usage());
  return opts;
}

function readFileOrFail(file, what) {
  let st;
  try {
    st = fs.statSync(file);
  } catch (e) {
    fail(what + ' file not found: ' + file);
  }
  if (!st.isFile()) fail(what + ' is not a regular file: ' + file);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    fail('cannot read ' + what + ' file ' + file + ': ' + e.message);
  }
}

function wasmDir() {
  let pkgJson;
  try {
    pkgJson = require.resolve('@tensorflow/tfjs-tflite/package.json', {paths: [__dirname]});
  } catch (e) {
    fail('@tensorflow/tfjs-tflite is not installed; run "npm ci" in ' + __dirname);
  }
  const version = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version;
  if (version !== '0.0.1-alpha.6') {
    fail('@tensorflow/tfjs-tflite is ' + version + ', need exactly 0.0.1-alpha.6; run "npm ci" in ' + __dirname);
  }
  return path.join(path.dirname(pkgJson), 'dist');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const modelBytes = readFileOrFail(opts.model, 'model');
  const pixels = readFileOrFail(opts.pixels, 'pixels');
  const n = opts.size;
  const expectedBytes = n * n * 3;
  if (pixels.length !== expectedBytes) {
    fail('pixels file ' + opts.pixels + ' has ' + pixels.length + ' bytes, expected ' + expectedBytes +
         ' (' + n + 'x' + n + 'x3 uint8 RGB)');
  }

  // The plain (non-threaded) emscripten module; threaded variants need workers.
  const dir = wasmDir();
  const base = opts.wasm === 'simd' ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc';
  const factory = require(path.join(dir, base + '.js'));
  const mod = await factory({wasmBinary: fs.readFileSync(path.join(dir, base + '.wasm'))});

  const ptr = mod._malloc(modelBytes.length);
  if (!ptr) fail('cannot allocate ' + modelBytes.length + ' bytes in wasm memory');
  mod.HEAPU8.set(modelBytes, ptr);
  const status = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(
      ptr, modelBytes.length, {numThreads: 1, enableProfiling: false, maxProfilingBufferEntriesCount: 1024});
  if (!status || !status.ok()) {
    const why = status ? status.errorMessage() : 'no status returned';
    fail('TFLite could not load model ' + opts.model + ': ' + String(why).replace(/\s+/g, ' '));
  }
  const runner = status.value();

  const inputs = runner.GetInputs();
  const outputs = runner.GetOutputs();
  if (inputs.size() !== 1) fail('model has ' + inputs.size() + ' inputs, expected 1');
  if (outputs.size() < 1) fail('model has no outputs');
  const input = inputs.get(0);
  const wantShape = '1,' + n + ',' + n + ',3';
  if (input.shape !== wantShape || input.dataType !== 'uint8') {
    fail('model input "' + input.name + '" is ' + input.shape.split(',').join('x') + ' ' + input.dataType +
         ', expected ' + wantShape.split(',').join('x') + ' uint8');
  }
  const output = outputs.get(0);
  if (output.dataType !== 'uint8') {
    fail('model output "' + output.name + '" is ' + output.dataType + ', expected uint8');
  }

  input.data().set(pixels);  // data() is a view into wasm memory: take it fresh
  if (!runner.Infer()) fail('TFLite inference failed');
  const out = Array.from(output.data());  // copy out of wasm memory

  const order = out.map((v, i) => i).sort((a, b) => (out[b] - out[a]) || (a - b));
  const top = order.slice(0, Math.min(opts.top, out.length)).map(i => [i, out[i]]);
  process.stdout.write(JSON.stringify({model: path.basename(opts.model), top: top, output: out}) + '\n');
}

main().catch(e => fail((e && e.message ? e.message : String(e)).replace(/\s+/g, ' ')));
