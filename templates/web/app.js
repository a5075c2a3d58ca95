// The proving page of zokml export-web (docs/web.md). site.json's "input" says what it asks for:
// "image", a digit drawn on the pad or picked as an image, made side x side grey levels (28 x 28 as
// MNIST digits were made); or "values", the input's numbers typed in a form or read from a file of
// one record. Either becomes the integers the circuit takes, exactly as zokml makes them, and
// worker.js proves the model's class of them. The input goes to the worker only (postMessage),
// never over the network.
"use strict";

const $ = (id) => document.getElementById(id);

// What the page is doing, for people (the elements below) and for scripts that drive it
// (tools/browser-prove.mjs): status is loading, ready, proving, done or error.
// pixels: the grey levels drawn (images); values: the numbers typed (values); input: the integers
// the circuit takes for them (null while there is none, or it was refused: input_error says why).
const state = (window.zokml = { status: "loading", pixels: null, values: null, input: null, input_error: null, class: null, error: null });

let site = null;  // site.json, once loaded
// Images: side x side pixels, the ink's bounding box fitted into BOX x BOX and centred by its mass
// (MNIST: 28 and 20; other sides: the whole side).
let SIDE = 28;
let BOX = 20;
const INK = 64;   // a grey level above this is ink when finding the digit's bounding box

// The worker starts from a blob: URL so that it runs under this page's Content-Security-Policy
// (a worker loaded from the site would run under the policy of its own response, none for a plain
// static server): nothing it does can reach another origin either.
const SITE_URL = new URL(".", location.href).href;
const worker = new Worker(
  URL.createObjectURL(
    new Blob([`self.SITE_URL = ${JSON.stringify(SITE_URL)};\nimportScripts(SITE_URL + "worker.js");\n`], { type: "text/javascript" }),
  ),
);
let proveStart = 0;
let proofUrl = null;
let loaded = false;
let loadFailed = false;  // a prover that did not load proves nothing: Prove stays off

// ---------------------------------------------------------------------------------------------
// The pad: white strokes on black, as MNIST's ink.

const pad = $("pad");
const pen = pad.getContext("2d", { willReadFrequently: true });

function clearPad() {
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, pad.width, pad.height);
  showInput(null);
}

function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return [((event.clientX - box.left) * pad.width) / box.width, ((event.clientY - box.top) * pad.height) / box.height];
}

let drawing = false;
pad.addEventListener("pointerdown", (event) => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  const [x, y] = padPoint(event);
  pen.strokeStyle = "#fff";
  pen.lineWidth = 20;
  pen.lineCap = pen.lineJoin = "round";
  pen.beginPath();
  pen.moveTo(x, y);
  pen.lineTo(x, y);
  pen.stroke();
});
pad.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  const [x, y] = padPoint(event);
  pen.lineTo(x, y);
  pen.stroke();
});
const endStroke = () => {
  if (!drawing) return;
  drawing = false;
  showInput(mnistPixels(pad, false));
};
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);

$("clear").addEventListener("click", clearPad);

$("file").addEventListener("change", () => {
  const file = $("file").files[0];
  if (!file) return;
  const url = URL.createObjectURL(file);
  const image = new Image();
  image.onload = () => {
    URL.revokeObjectURL(url);
    // The picture on the pad (fitted, its ink kept where it is), so that what is proven is seen.
    const pixels = mnistPixels(image, true);
    pen.fillStyle = "#000";
    pen.fillRect(0, 0, pad.width, pad.height);
    if (pixels) {
      const preview = gridCanvas(pixels);
      pen.imageSmoothingEnabled = false;
      pen.drawImage(preview, 0, 0, pad.width, pad.height);
    }
    showInput(pixels);
  };
  image.onerror = () => {
    URL.revokeObjectURL(url);
    say(`${file.name} is not an image this browser can read`, true);
  };
  image.src = url;
});

// ---------------------------------------------------------------------------------------------
// From a picture to the model's input.

// The picture's grey levels with the ink bright: a picked image of dark ink on light paper is
// inverted (its mean grey is above the middle); transparent parts count as paper.
function greyLevels(source, width, height, picked) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.fillStyle = picked ? "#fff" : "#000";
  g.fillRect(0, 0, width, height);
  g.drawImage(source, 0, 0, width, height);
  const image = g.getImageData(0, 0, width, height);
  const d = image.data;
  const grey = new Uint8ClampedArray(width * height);
  let sum = 0;
  for (let i = 0; i < grey.length; i++) {
    grey[i] = Math.round(0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]);
    sum += grey[i];
  }
  const invert = picked && sum / grey.length > 127;
  for (let i = 0; i < grey.length; i++) {
    const v = invert ? 255 - grey[i] : grey[i];
    d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = v;
    d[4 * i + 3] = 255;
    grey[i] = v;
  }
  g.putImageData(image, 0, 0);
  return { canvas, grey };
}

// SIDE x SIDE grey levels 0..255 (row by row, ink 255 on 0) as MNIST's digits were made: the ink's
// bounding box scaled to fit BOX x BOX, then placed so that its centre of mass is the centre.
// null when there is no ink.
function mnistPixels(source, picked) {
  const scale = Math.min(1, 1024 / Math.max(source.width, source.height));  // large photos
  const width = Math.max(1, Math.round(source.width * scale));
  const height = Math.max(1, Math.round(source.height * scale));
  const { canvas, grey } = greyLevels(source, width, height, picked);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (grey[y * width + x] > INK) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
  if (right < 0) return null;
  const [w, h] = [right - left + 1, bottom - top + 1];
  const fit = BOX / Math.max(w, h);
  const [bw, bh] = [Math.max(1, Math.round(w * fit)), Math.max(1, Math.round(h * fit))];
  const box = document.createElement("canvas");
  box.width = bw;
  box.height = bh;
  const g = box.getContext("2d", { willReadFrequently: true });
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = "high";
  g.drawImage(canvas, left, top, w, h, 0, 0, bw, bh);
  const ink = g.getImageData(0, 0, bw, bh).data;
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) {
      const v = ink[4 * (y * bw + x)];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  if (mass === 0) return null;
  const clamp = (v, hi) => Math.min(Math.max(v, 0), hi);
  const ox = clamp(Math.round(SIDE / 2 - mx / mass), SIDE - bw);
  const oy = clamp(Math.round(SIDE / 2 - my / mass), SIDE - bh);
  const pixels = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) pixels[(y + oy) * SIDE + x + ox] = ink[4 * (y * bw + x)];
  return pixels;
}

// The pixels as a side x side canvas.
function gridCanvas(pixels) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIDE;
  paintGrid(canvas, pixels);
  return canvas;
}

function paintGrid(canvas, pixels) {
  const g = canvas.getContext("2d");
  const image = g.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = pixels ? pixels[i] : 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  g.putImageData(image, 0, 0);
}

function showInput(pixels) {
  state.pixels = pixels ? Array.from(pixels) : null;
  state.input = pixels ? state.pixels.map((grey) => site.input.levels[grey]) : null;
  paintGrid($("input"), pixels);
  $("result").hidden = true;
  updateProveButton();
}

function updateProveButton() {
  $("prove").disabled = !state.input || state.status === "proving" || loadFailed;
}

// ---------------------------------------------------------------------------------------------
// The form of numbers (site.json's input.kind "values").

// A number as zokml reads one (std::from_chars): an optional minus sign, digits with an optional
// point, an optional exponent; nothing else (no "+", no hex, no spaces inside).
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

// The integer the circuit takes for x, exactly as zokml's quantize_batch and quantize_input make
// it: v = (x - offset) * scale, refused unless -0.5 <= v < integer_max + 0.5 (data is refused,
// never clamped), then rounded half away from zero (llround; v >= 0 here, so Math.round).
function quantizeValue(x, i) {
  const { offset, scale, integer_max: top, min, max } = site.input;
  const v = (x - offset) * scale;
  if (!(v >= -0.5 && v < top + 0.5)) throw new Error(`x[${i}] = ${x} is outside the model's input range [${min}, ${max}]`);
  return Math.round(Math.min(Math.max(v, 0), top));
}

const fields = () => Array.from($("values").querySelectorAll("input"));

// Reads the form: state.values and state.input when every field holds a number in range, else
// input null and (for a field that is filled but wrong) the reason shown.
function readValues() {
  const texts = fields().map((f) => f.value.trim());
  let problem = null;
  const values = texts.map((text, i) => {
    if (text === "") return null;
    const x = NUMBER.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(x)) problem ??= { i, message: `x[${i}] is "${text}", not a finite number` };
    return x;
  });
  let input = null;
  if (!problem && values.every((x) => x !== null)) {
    try {
      input = values.map(quantizeValue);
    } catch (e) {
      problem = { i: Number(/x\[(\d+)\]/.exec(e.message)[1]), message: e.message };
    }
  }
  fields().forEach((f, i) => f.classList.toggle("refused", problem?.i === i));
  Object.assign(state, { values: problem ? null : values, input, input_error: problem?.message ?? null });
  $("input-error").textContent = problem ? `${problem.message}: the page does not prove it.` : "";
  $("result").hidden = true;
  updateProveButton();
}

function showValues(texts) {
  fields().forEach((f, i) => (f.value = texts[i] ?? ""));
  readValues();
}

// The numbers of a file of one record: CSV (one line of numbers; a first line whose first field
// is not a number is a header; empty lines are skipped) or JSON (an array of numbers, or a zokml
// batch {"format": "zokml-batch", "version": 1, "inputs": [[...]]} of one input).
function recordValues(name, text) {
  const size = site.input.size;
  let values;
  if (/\.json$/i.test(name) || /^\s*[[{]/.test(text)) {
    let document;
    try {
      document = JSON.parse(text);
    } catch (e) {
      throw new Error(`${name} is not JSON: ${e.message}`);
    }
    const inputs = Array.isArray(document) ? [document] : document?.format === "zokml-batch" ? document.inputs : null;
    if (!Array.isArray(inputs)) throw new Error(`${name}: expected an array of numbers or a zokml batch ("format": "zokml-batch")`);
    if (inputs.length !== 1) throw new Error(`${name} holds ${inputs.length} inputs: the page proves one`);
    if (!Array.isArray(inputs[0]) || inputs[0].some((x) => typeof x !== "number"))
      throw new Error(`${name}: the input is not an array of numbers`);
    values = inputs[0].map(String);
  } else {
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    if (lines.length > 0 && !NUMBER.test(lines[0].split(",")[0].trim())) lines.shift();  // a header
    if (lines.length !== 1) throw new Error(`${name} holds ${lines.length} records: the page proves one`);
    values = lines[0].split(",").map((f) => f.trim());
  }
  if (values.length !== size) throw new Error(`${name} holds ${values.length} values: the model takes ${size}`);
  return values;
}

function setUpValues() {
  const { size, min, max } = site.input;
  $("range").textContent = `The model takes ${size} numbers, each from ${min} to ${max}.`;
  for (let i = 0; i < size; i++) {
    const label = document.createElement("label");
    const field = document.createElement("input");
    Object.assign(field, { type: "text", inputMode: "decimal", id: `value-${i}`, placeholder: `${min} to ${max}`, autocomplete: "off" });
    field.addEventListener("input", readValues);
    label.append(`x[${i}]`, field);
    $("values").append(label);
  }
  $("clear-values").addEventListener("click", () => showValues([]));
  $("record").addEventListener("change", async () => {
    const file = $("record").files[0];
    if (!file) return;
    try {
      showValues(recordValues(file.name, await file.text()));
    } catch (e) {
      showValues([]);
      Object.assign(state, { input_error: e.message });
      $("input-error").textContent = e.message;
    }
    $("record").value = "";
  });
  $("values-input").hidden = false;
}

function setUpImage() {
  SIDE = site.input.width;
  BOX = SIDE === 28 ? 20 : SIDE;
  $("input").width = $("input").height = SIDE;
  $("image-caption").textContent = `The model's input, ${SIDE} × ${SIDE}`;
  $("image-input").hidden = false;
  clearPad();
}

// ---------------------------------------------------------------------------------------------
// Proving, in the worker.

const STAGES = ["load", "witness", "proof"];
const DOING = { load: "Loading the prover…", witness: "Computing the witness…", proof: "Computing the proof…" };

// The first `done` stages are done; with `working`, the next one is under way.
function showProgress(done, working) {
  STAGES.forEach((stage, i) => {
    $(`stage-${stage}`).className = i < done ? "done" : i === done && working ? "active" : "";
  });
}

function say(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

// A failure to load or to prove: the status is error until the next proof.
function fail(message) {
  state.status = "error";
  state.error = message;
  say(message, true);
  updateProveButton();
}

$("prove").addEventListener("click", () => {
  if (!state.input) return;
  proveStart = performance.now();
  Object.assign(state, { status: "proving", class: null, error: null });
  $("result").hidden = true;
  updateProveButton();
  if (loaded) {
    showProgress(1, true);
    say(DOING.witness);
  }
  worker.postMessage({ type: "prove", input: state.input });
});

// The proof as zokml writes proof.json (keys sorted, two spaces of indent, a final newline), so
// that it is byte for byte the file `zokml prove` would write for it.
function proofJson(proof) {
  const sorted = (v) =>
    Array.isArray(v) ? v.map(sorted)
    : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]))
    : v;
  return JSON.stringify(sorted(proof), null, 2) + "\n";
}

const seconds = (s) => `${s.toFixed(2)} s`;

worker.onmessage = ({ data }) => {
  switch (data.type) {
    case "stage":
      showProgress(STAGES.indexOf(data.stage), true);
      say(DOING[data.stage]);
      break;
    case "ready":
      loaded = true;
      state.load_s = data.seconds;
      if (state.status === "loading") {
        state.status = "ready";
        showProgress(1, false);
        const what = site?.input.kind === "values" ? "fill in the numbers" : "draw a digit";
        say(`Ready (prover loaded in ${seconds(data.seconds)}): ${what} and press Prove.`);
      }
      break;
    case "proved": {
      if (proofUrl) URL.revokeObjectURL(proofUrl);
      proofUrl = URL.createObjectURL(new Blob([proofJson(data.proof)], { type: "application/json" }));
      $("download").href = proofUrl;
      $("class").textContent = data.class;
      Object.assign(state, { witness_s: data.witness_s, proof_s: data.proof_s, class: data.class });
      state.prove_s = (performance.now() - proveStart) / 1000;
      $("timing").textContent = `proved in ${seconds(state.prove_s)} (witness ${seconds(data.witness_s)}, proof ${seconds(data.proof_s)})`;
      $("result").hidden = false;
      showProgress(STAGES.length, false);
      say("Done: the proof is ready.");
      state.status = "done";
      updateProveButton();
      break;
    }
    case "failed":
      loadFailed ||= data.stage === "load";
      fail(data.message);
      break;
  }
};
worker.onerror = (event) => fail(`The prover stopped: ${event.message}`);

// What the site proves with: shown, so that a person knows which key verifies the proof.
fetch("site.json")
  .then((response) => response.json())
  .then((loaded) => {
    if (loaded.version !== 2) throw new Error(`version ${loaded.version}: this page reads version 2`);
    site = loaded;
    $("model").textContent = `${site.model.name} (${site.constraints} constraints, ${site.scheme})`;
    $("vk-sha256").textContent = site.verification_key_sha256;
    $("circuit").textContent = site.circuit_fingerprint;
    if (site.input.kind === "values") setUpValues();
    else setUpImage();
  })
  .catch((e) => {
    loadFailed = true;
    fail(`site.json: ${e.message}`);
  });

showProgress(0, true);
