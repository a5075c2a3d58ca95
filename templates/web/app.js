// The proving page of zokml export-web (docs/web.md): a digit drawn on the pad or picked as an
// image becomes 28 x 28 grey levels as MNIST digits are made; worker.js proves the model's class
// of them. The pixels go to the worker only (postMessage), never over the network.
"use strict";

const $ = (id) => document.getElementById(id);

// What the page is doing, for people (the elements below) and for scripts that drive it
// (tools/browser-prove.mjs): status is loading, ready, proving, done or error.
const state = (window.zokml = { status: "loading", pixels: null, class: null, error: null });

const SIDE = 28;  // MNIST: 28 x 28 pixels, the ink fitted into 20 x 20 and centred by its mass
const BOX = 20;
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

// 28 x 28 grey levels 0..255 (row by row, ink 255 on 0) as MNIST's digits were made: the ink's
// bounding box scaled to fit 20 x 20, then placed so that its centre of mass is the centre.
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

// The pixels as a 28 x 28 canvas.
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
  paintGrid($("input"), pixels);
  $("result").hidden = true;
  updateProveButton();
}

function updateProveButton() {
  $("prove").disabled = !state.pixels || state.status === "proving" || loadFailed;
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
  if (!state.pixels) return;
  proveStart = performance.now();
  Object.assign(state, { status: "proving", class: null, error: null });
  $("result").hidden = true;
  updateProveButton();
  if (loaded) {
    showProgress(1, true);
    say(DOING.witness);
  }
  worker.postMessage({ type: "prove", pixels: state.pixels });
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
        say(`Ready (prover loaded in ${seconds(data.seconds)}): draw a digit and press Prove.`);
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
  .then((site) => {
    $("model").textContent = `${site.model.name} (${site.constraints} constraints, ${site.scheme})`;
    $("vk-sha256").textContent = site.verification_key_sha256;
    $("circuit").textContent = site.circuit_fingerprint;
  })
  .catch((e) => fail(`site.json: ${e.message}`));

clearPad();
showProgress(0, true);
