// The prover of zokml export-web's page: zokrates-js (ZoKrates compiled to WebAssembly, its module
// inlined in zokrates.js) with the circuit's program and proving key fetched from this site. It
// gets the circuit's integer input from the page (app.js made it from the drawn pixels or the typed
// numbers) and sends back the proof; the input goes nowhere else.
// app.js starts it from a blob: URL after setting SITE_URL, the site's address.
"use strict";

importScripts(SITE_URL + "zokrates.js");

const fetched = async (file, as) => {
  const response = await fetch(SITE_URL + file);
  if (!response.ok) throw new Error(`${file}: ${response.status} ${response.statusText}`);
  return as === "json" ? response.json() : new Uint8Array(await response.arrayBuffer());
};

// Everything a proof needs, loaded once when the page opens.
const prover = (async () => {
  const start = performance.now();
  postMessage({ type: "stage", stage: "load" });
  const [site, abi, program, provingKey, zokrates] = await Promise.all([
    fetched("site.json", "json"),
    fetched("circuit/abi.json", "json"),
    fetched("circuit/program"),
    fetched("circuit/proving.key"),
    self.zokrates.initialize(),
  ]);
  const provider = zokrates.withOptions({ backend: "ark", scheme: site.scheme, curve: site.curve });
  const size = site.input.kind === "image" ? site.input.width * site.input.height : site.input.size;
  const shape = inputShape(abi, size);
  postMessage({ type: "ready", seconds: (performance.now() - start) / 1000 });
  return { site, abi, program, provingKey, provider, shape };
})();

// How main takes the input, from the program's ABI: `private field[n] x` and, for inputs of two
// bits or more, `private field[n][bits - 1] x_bits`, each value's high bits, most significant first
// (zokml's private_input_arguments). A circuit with other parameters is not one this page proves.
function inputShape(abi, size) {
  const names = abi.inputs.map((p) => p.name).join(", ");
  const [x, bits, ...rest] = abi.inputs;
  const fieldArray = (p, n) => p && !p.public && p.type === "array" && p.components.size === n ? p.components : null;
  if (!x || x.name !== "x" || fieldArray(x, size)?.type !== "field" || rest.length > 0 || (bits && bits.name !== "x_bits"))
    throw new Error(`main takes (${names}): not the private input of ${size} values this page proves`);
  if (!bits) return { size, bits: 1 };
  const high = fieldArray(bits, size);
  if (!high || high.type !== "array" || high.components.type !== "field")
    throw new Error(`x_bits is not a private field[${size}][bits - 1]`);
  return { size, bits: high.components.size + 1 };
}

// main's arguments for the circuit's integers (each in [0, 2^bits - 1]).
function argumentsFor({ shape }, x) {
  if (!Array.isArray(x) || x.length !== shape.size) throw new Error(`expected ${shape.size} integers, got ${x?.length}`);
  for (const v of x)
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** shape.bits) throw new Error(`an input is ${v}, not an integer of ${shape.bits} bits`);
  if (shape.bits === 1) return [x.map(String)];
  const high = x.map((v) => Array.from({ length: shape.bits - 1 }, (_, j) => String((v >> (shape.bits - 1 - j)) & 1)));
  return [x.map(String), high];
}

// The class in the program's output: main returns it, or (class, logits).
function predictedClass(output) {
  const value = JSON.parse(output);
  return Number(Array.isArray(value) ? value[0] : value);
}

onmessage = async ({ data }) => {
  if (data.type !== "prove") return;
  let stage = "load";
  try {
    const p = await prover;
    stage = "witness";
    postMessage({ type: "stage", stage });
    const start = performance.now();
    const { witness, output } = p.provider.computeWitness({ program: p.program, abi: p.abi }, argumentsFor(p, data.input), {
      logCallback: () => {},
    });
    const witnessed = performance.now();
    stage = "proof";
    postMessage({ type: "stage", stage });
    const proof = p.provider.generateProof(p.program, witness, p.provingKey);
    postMessage({
      type: "proved",
      proof,
      class: predictedClass(output),
      witness_s: (witnessed - start) / 1000,
      proof_s: (performance.now() - witnessed) / 1000,
    });
  } catch (e) {
    postMessage({ type: "failed", stage, message: `${stage}: ${e?.message ?? e}` });
  }
};

// A failed load is reported at once, not only when Prove is pressed.
prover.catch((e) => postMessage({ type: "failed", stage: "load", message: `load: ${e?.message ?? e}` }));
