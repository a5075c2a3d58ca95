// zokml's snarkjs backend (docs/toolchain.md#the-snarkjs-backend): the Groth16 setup, its
// multi-party ceremony, proofs and their verification for programs that ZoKrates compiled, run
// by snarkjs (multi-threaded). Keys and proofs are read and written in ZoKrates' JSON formats
// (converted here), so that everything after a proof (zokml verify, the Solidity and sCrypt
// verifiers, calldata) is the same for both backends.
//
// Every command prints one line of JSON on stdout and exits 0, or prints its error on stdout and
// exits 1. Entropy never comes from the command line: each contribution draws its own.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";

// The G2 coordinates' order and the hex width of ZoKrates' JSON.
const hex = (value) => "0x" + BigInt(value).toString(16).padStart(64, "0");
const decimal = (value) => BigInt(value).toString();
const g1ToZokrates = (p) => [hex(p[0]), hex(p[1])];
const g2ToZokrates = (p) => [[hex(p[0][0]), hex(p[0][1])], [hex(p[1][0]), hex(p[1][1])]];
const g1FromZokrates = (p) => [decimal(p[0]), decimal(p[1]), "1"];
const g2FromZokrates = (p) => [[decimal(p[0][0]), decimal(p[0][1])], [decimal(p[1][0]), decimal(p[1][1])], ["1", "0"]];

function vkToZokrates(vk) {
  return {
    scheme: "g16",
    curve: "bn128",
    alpha: g1ToZokrates(vk.vk_alpha_1),
    beta: g2ToZokrates(vk.vk_beta_2),
    gamma: g2ToZokrates(vk.vk_gamma_2),
    delta: g2ToZokrates(vk.vk_delta_2),
    gamma_abc: vk.IC.map(g1ToZokrates),
  };
}

function vkFromZokrates(vk) {
  if (vk.scheme !== "g16" || vk.curve !== "bn128") throw new CliError("the snarkjs backend verifies g16 proofs on bn128 only");
  return {
    protocol: "groth16",
    curve: "bn128",
    nPublic: vk.gamma_abc.length - 1,
    vk_alpha_1: g1FromZokrates(vk.alpha),
    vk_beta_2: g2FromZokrates(vk.beta),
    vk_gamma_2: g2FromZokrates(vk.gamma),
    vk_delta_2: g2FromZokrates(vk.delta),
    IC: vk.gamma_abc.map(g1FromZokrates),
  };
}

function proofToZokrates(proof, publicSignals) {
  return {
    scheme: "g16",
    curve: "bn128",
    proof: { a: g1ToZokrates(proof.pi_a), b: g2ToZokrates(proof.pi_b), c: g1ToZokrates(proof.pi_c) },
    inputs: publicSignals.map(hex),
  };
}

function proofFromZokrates(proof) {
  const p = proof.proof;
  return {
    proof: { protocol: "groth16", curve: "bn128", pi_a: g1FromZokrates(p.a), pi_b: g2FromZokrates(p.b), pi_c: g1FromZokrates(p.c) },
    publicSignals: proof.inputs.map(decimal),
  };
}

class CliError extends Error {}

const randomEntropy = () => crypto.randomBytes(64).toString("hex");
const hashHex = (bytes) => Buffer.from(bytes).toString("hex");

function writeAtomic(file, data) {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, data, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

// snarkjs reports failures through its logger and a false or -1 result: keep its messages.
function logger() {
  const lines = [];
  const keep = (message) => lines.push(String(message));
  return { lines, info: keep, warn: keep, error: keep, debug: () => {} };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`${file}: ${e.message}`);
  }
}

// Contribution hashes as snarkjs prints them: 64 bytes in four lines of four words each.
function hashesIn(lines) {
  const contributions = [];
  for (let i = 0; i < lines.length; i++) {
    const title = /^contribution #(\d+) ?(.*):\n((?:\t\t[0-9a-f ]+\n?){4})/.exec(lines[i]);
    if (!title) continue;
    const entry = { index: Number(title[1]), name: title[2], hash: title[3].replace(/\s+/g, "") };
    const beacon = /^Beacon generator: ([0-9a-f]+)/.exec(lines[i + 1] ?? "");
    if (beacon) entry.beacon = beacon[1];
    contributions.push(entry);
  }
  return contributions.sort((a, b) => a.index - b.index);
}

// Groth16 over r1cs of 2^power constraints (snarkjs' rule: constraints + public signals + 1).
async function requiredPower(r1csFile) {
  const r1cs = await snarkjs.r1cs.info(r1csFile, undefined);
  const size = r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs + 1;
  return Math.max(1, Math.ceil(Math.log2(size)));
}

const COMMANDS = {
  // The power of tau an r1cs needs.
  async power({ r1cs }) {
    return { power: await requiredPower(r1cs) };
  },
  // A powers-of-tau file made here: one contribution, so whoever ran it could forge proofs for
  // every circuit set up from it (single-party; docs/security.md).
  async ptau({ power, out }) {
    const k = Number(power);
    if (!Number.isInteger(k) || k < 1 || k > 28) throw new CliError(`power ${power} is not in 1..28`);
    const first = `${out}.0.tmp`, second = `${out}.1.tmp`, prepared = `${out}.2.tmp`;
    try {
      const log = logger();
      await snarkjs.powersOfTau.newAccumulator(await snarkjs.curves.getCurveFromName("bn128"), k, first, log);
      await snarkjs.powersOfTau.contribute(first, second, "zokml local", randomEntropy(), log);
      await snarkjs.powersOfTau.preparePhase2(second, prepared, log);
      fs.renameSync(prepared, out);
    } finally {
      for (const f of [first, second, prepared]) fs.rmSync(f, { force: true });
    }
    return { power: k, single_party: true };
  },
  // The phase-2 start: the circuit's initial zkey, with no contribution yet.
  async setup({ r1cs, ptau, out }) {
    const log = logger();
    const hash = await snarkjs.zKey.newZKey(r1cs, ptau, out, log);
    if (!(hash instanceof Uint8Array)) throw new CliError(log.lines.join("\n") || "snarkjs could not start the setup");
    return { circuit_hash: hashHex(hash) };
  },
  async contribute({ in: previous, out, name }) {
    const hash = await snarkjs.zKey.contribute(previous, out, name ?? "", randomEntropy(), logger());
    return { hash: hashHex(hash) };
  },
  async beacon({ in: previous, out, beacon, iterations, name }) {
    if (!/^([0-9a-fA-F]{2})+$/.test(beacon ?? "")) throw new CliError(`the beacon must be hex digits, got '${beacon}'`);
    const exponent = Number(iterations ?? 10);
    if (!Number.isInteger(exponent) || exponent < 10 || exponent > 63) throw new CliError(`iterations ${iterations} is not in 10..63`);
    const log = logger();
    const hash = await snarkjs.zKey.beacon(previous, out, name ?? "beacon", beacon, exponent, log);
    if (!(hash instanceof Uint8Array)) throw new CliError(log.lines.join("\n") || "snarkjs could not apply the beacon");
    return { hash: hashHex(hash) };
  },
  // The transcript: every contribution checked against the r1cs and the powers of tau.
  async "verify-setup"({ r1cs, ptau, zkey }) {
    const log = logger();
    let valid;
    try {
      valid = (await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkey, log)) === true;
    } catch (e) {
      log.lines.push(e.message);
      valid = false;
    }
    return valid ? { valid, contributions: hashesIn(log.lines) } : { valid, reason: log.lines.filter((l) => !/^(Reading|Writing|Circuit [Hh]ash)/.test(l)).slice(-3).join("; ") };
  },
  // A powers-of-tau file checked by snarkjs: every contribution, the points' powers, the hashes
  // and the phase-2 (Lagrange) sections.
  async "verify-ptau"({ ptau }) {
    const log = logger();
    let valid;
    try {
      valid = (await snarkjs.powersOfTau.verify(ptau, log)) === true;
    } catch (e) {
      log.lines.push(e.message);
      valid = false;
    }
    return valid ? { valid } : { valid, reason: log.lines.filter((l) => !/^(Powers [Oo]f [Tt]au|-----|Contribution #|\t\t|Next Challenge|Response Hash)/.test(l)).slice(-3).join("; ") };
  },
  async "export-vk"({ zkey, out }) {
    writeAtomic(out, JSON.stringify(vkToZokrates(await snarkjs.zKey.exportVerificationKey(zkey)), null, 2));
    return {};
  },
  // A proof (and its verification key) in snarkjs' own files, which `snarkjs groth16 verify
  // verification_key.json public.json proof.json` takes.
  async "to-snarkjs"({ proof, vk, out }) {
    const p = proofFromZokrates(readJson(proof));
    writeAtomic(path.join(out, "proof.json"), JSON.stringify(p.proof, null, 2));
    writeAtomic(path.join(out, "public.json"), JSON.stringify(p.publicSignals, null, 2));
    writeAtomic(path.join(out, "verification_key.json"), JSON.stringify(vkFromZokrates(readJson(vk)), null, 2));
    return {};
  },
  async verify({ vk, proof }) {
    const p = proofFromZokrates(readJson(proof));
    try {
      return { valid: await snarkjs.groth16.verify(vkFromZokrates(readJson(vk)), p.publicSignals, p.proof) };
    } catch (e) {
      return { valid: false, reason: e.message };  // e.g. a point off the curve
    }
  },
  // The witness of one set of arguments (ABI JSON on stdin, never on the command line) in
  // snarkjs' .wtns, written to --out with mode 0600: what zokml's native prover reads.
  async witness({ program, abi, out }) {
    const { initialize } = await import("zokrates-js");
    const z = await initialize();
    const compiled = { program: new Uint8Array(fs.readFileSync(program)), abi: readJson(abi) };
    let input = "";
    for await (const chunk of process.stdin) input += chunk;
    let result;
    try {
      result = z.computeWitness(compiled, JSON.parse(input), { snarkjs: true });
    } catch (e) {
      throw new CliError(String(e).replace(/ at \.\//g, " at "));
    }
    writeAtomic(out, result.snarkjs.witness);
    return { output: JSON.stringify(JSON.parse(result.output)) };
  },
  // A prover session (zokml's ProverSession): as the bundled zokrates' prove-session, with the
  // witness from zokrates-js in snarkjs' format and the proof from snarkjs, both in memory.
  async "prove-session"({ program, abi, zkey }) {
    const key = { type: "mem", data: new Uint8Array(fs.readFileSync(zkey)) };
    await serveWitnesses(program, abi, async (result, witnessed) => {
      const { proof, publicSignals } = await snarkjs.groth16.prove(key, { type: "mem", data: result.snarkjs.witness });
      return { proof: proofToZokrates(proof, publicSignals), proof_s: (performance.now() - witnessed) / 1000 };
    });
    return null;
  },
  // A witness session (zokml's WitnessSession): each request's witness in snarkjs' .wtns, as hex,
  // for zokml's native prover; it stays in memory and on the socket.
  async "witness-session"({ program, abi }) {
    await serveWitnesses(program, abi, async (result) => ({ witness: Buffer.from(result.snarkjs.witness).toString("hex") }));
    return null;
  },
};

// One line of ABI arguments in (the private values come only through this pipe), one JSON line
// out: {"error"} when zokrates-js refuses them (an assertion, bad arguments), and the session goes
// on; else main's output, the witness' time and what answer(zokrates-js' result, the time the
// witness was done) adds. End of input ends it.
async function serveWitnesses(program, abi, answer) {
  const { initialize } = await import("zokrates-js");
  const z = await initialize();
  const compiled = { program: new Uint8Array(fs.readFileSync(program)), abi: readJson(abi) };
  const reply = (value) => process.stdout.write(JSON.stringify(value) + "\n");
  const handle = async (line) => {
    if (!line.trim()) return;
    let args;
    try {
      args = JSON.parse(line);
    } catch (e) {
      return reply({ error: `Could not parse argument: Invalid JSON: ${e.message}` });
    }
    const start = performance.now();
    let result;
    try {
      result = z.computeWitness(compiled, args, { snarkjs: true });
    } catch (e) {
      return reply({ error: String(e).replace(/ at \.\//g, " at ") });
    }
    const witnessed = performance.now();
    const output = JSON.stringify(JSON.parse(result.output));
    reply({ output, witness_s: (witnessed - start) / 1000, ...(await answer(result, witnessed)) });
  };
  let buffered = "";
  for await (const chunk of process.stdin) {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf("\n")) >= 0) {
      await handle(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
  }
  await handle(buffered);
}

// --name value pairs.
function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (!COMMANDS[command]) throw new CliError(`unknown command '${command ?? ""}'; commands: ${Object.keys(COMMANDS).join(", ")}`);
  const options = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith("--") || i + 1 >= rest.length) throw new CliError(`expected --name value pairs, got '${rest.slice(i).join(" ")}'`);
    options[rest[i].slice(2)] = rest[i + 1];
  }
  return { command, options };
}

try {
  const { command, options } = parseArgs(process.argv.slice(2));
  const result = await COMMANDS[command](options);
  if (result) process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
} catch (e) {
  process.stdout.write(`${e instanceof CliError ? e.message : e?.stack ?? e}\n`);
  process.exit(1);
}
