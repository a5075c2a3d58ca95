// The `zokrates` command for zokml: the native ZoKrates 0.8 CLI's commands, flags, defaults,
// stdout messages, exit codes and file formats, run on zokrates-js (ZoKrates 0.8.8 compiled to
// WebAssembly), so that the C++ driver can speak one CLI to either.
//
// Deliberate differences from the native CLI:
//  - compute-witness always prints the "Witness:" block (native only with --verbose): the driver
//    reads the program's outputs from it.
//  - output files are written atomically with mode 0600, so a failure never leaves half a file.
//  - the standard library is the one embedded in zokrates-js (--stdlib-path is accepted, unused);
//    compile writes the r1cs file only when --r1cs is given, compute-witness no circom witness.
//  - a ZoKrates panic exits 1 with its message on stdout (native: exit 101).
//  - zokrates-js does not refuse programs with unconstrained variables (e.g. an unused private
//    input), which the native compile rejects with "Error: Found N unconstrained variable(s)".
import fs from "node:fs";
import * as nodeModule from "node:module";
import path from "node:path";

const CURVES = ["bn128", "bls12_381", "bls12_377", "bw6_761", "pallas", "vesta"];
const SCHEMES = ["g16", "gm17", "marlin"];
const BACKENDS = ["bellman", "ark"];

// Command specs mirror the native clap definitions: [long, short, value name or null for a flag,
// default, help, {choices, multiple, required}].
const COMMANDS = {
  compile: {
    about: "Compiles into a runnable constraint system",
    options: [
      ["input", "i", "FILE", null, "Path of the source code", { required: true }],
      ["stdlib-path", null, "PATH", null, "Path to the standard library (unused: zokrates-js embeds it)"],
      ["abi-spec", "s", "FILE", "abi.json", "Path of the ABI specification"],
      ["output", "o", "FILE", "out", "Path of the output binary"],
      ["r1cs", "r", "FILE", null, "Path of the output r1cs file (snarkjs' format; written only when given)"],
      ["curve", "c", "curve", "bn128", "Curve to be used in the compilation", { choices: CURVES }],
      ["debug", null, null, null, "Include logs"],
    ],
    run: compile,
  },
  "compute-witness": {
    about: "Calculates a witness for a given constraint system",
    options: [
      ["input", "i", "FILE", "out", "Path of the binary"],
      ["abi-spec", "s", "FILE", "abi.json", "Path of the ABI specification"],
      ["output", "o", "FILE", "witness", "Path of the output witness file"],
      ["arguments", "a", "arguments", null, "Arguments for the program's main function, when not using ABI encoding (field elements, e.g. `-a 1 2 3`)", { multiple: true }],
      ["abi", null, null, null, "Use ABI encoding. Arguments are expected as a JSON array on stdin"],
      ["stdin", null, null, null, "Read arguments from stdin"],
    ],
    run: computeWitness,
  },
  "universal-setup": {
    about: "Performs the universal phase of a trusted setup",
    options: [
      ["curve", "c", "curve", "bn128", "Curve to be used in the universal setup", { choices: CURVES }],
      ["universal-setup-path", "u", "FILE", "universal_setup.dat", "Path of the generated universal setup file"],
      ["proving-scheme", "s", "proving-scheme", "marlin", "Proving scheme to use in the setup", { choices: ["marlin"] }],
      ["size", "n", "size", "10", "Size of the trusted setup passed as an exponent. For example, 8 for 2**8"],
      ["entropy", "e", "entropy", null, "User provided randomness"],
    ],
    run: universalSetup,
  },
  setup: {
    about: "Performs a trusted setup for a given constraint system",
    options: [
      ["input", "i", "FILE", "out", "Path of the binary"],
      ["proving-key-path", "p", "FILE", "proving.key", "Path of the generated proving key file"],
      ["verification-key-path", "v", "FILE", "verification.key", "Path of the generated verification key file"],
      ["backend", "b", "backend", "ark", "Backend to use", { choices: BACKENDS }],
      ["proving-scheme", "s", "proving-scheme", "g16", "Proving scheme to use in the setup", { choices: SCHEMES }],
      ["universal-setup-path", "u", "FILE", "universal_setup.dat", "Path of the universal setup file for universal schemes"],
      ["entropy", "e", "entropy", null, "User provided randomness"],
    ],
    run: setup,
  },
  "export-verifier": {
    about: "Exports a verifier as Solidity smart contract",
    options: [
      ["input", "i", "FILE", "verification.key", "Path of the verification key"],
      ["output", "o", "FILE", "verifier.sol", "Path of the output file"],
    ],
    run: exportVerifier,
  },
  "generate-proof": {
    about: "Calculates a proof for a given constraint system and witness",
    options: [
      ["witness", "w", "FILE", "witness", "Path of the witness file"],
      ["proving-key-path", "p", "FILE", "proving.key", "Path of the proving key file"],
      ["proof-path", "j", "FILE", "proof.json", "Path of the JSON proof file"],
      ["input", "i", "FILE", "out", "Path of the binary"],
      ["backend", "b", "backend", "ark", "Backend to use", { choices: BACKENDS }],
      ["proving-scheme", "s", "FILE", "g16", "Proving scheme to use to generate the proof", { choices: SCHEMES }],
      ["entropy", "e", "entropy", null, "User provided randomness"],
    ],
    run: generateProof,
  },
  "prove-session": {
    about: "zokml's extension (no native equivalent): loads the program and proving key once, then for each line of ABI arguments on stdin writes one line of JSON on stdout: {\"proof\", \"output\", \"witness_s\", \"proof_s\"} or {\"error\"}",
    options: [
      ["input", "i", "FILE", "out", "Path of the binary"],
      ["abi-spec", "s", "FILE", "abi.json", "Path of the ABI specification"],
      ["proving-key-path", "p", "FILE", "proving.key", "Path of the proving key file"],
    ],
    run: proveSession,
  },
  verify: {
    about: "Verifies a given proof with the given verification key",
    options: [
      ["proof-path", "j", "FILE", "proof.json", "Path of the JSON proof file"],
      ["verification-key-path", "v", "FILE", "verification.key", "Path of the generated verification key file"],
      ["backend", "b", "backend", "ark", "Backend to use", { choices: BACKENDS }],
    ],
    run: verify,
  },
};

// A failure the native CLI reports as `println!("{}", e); exit(1)`.
class CliError extends Error {}
// A command-line mistake, which clap reports on stderr with the usage, exit 1.
class UsageError extends Error {
  constructor(message, usage) {
    super(message);
    this.usage = usage;
  }
}

const say = (line) => process.stdout.write(line + "\n");

// ---------------------------------------------------------------------------------------------
// Command line parsing, after clap 2: `-i x`, `-ix`, `--input x`, `--input=x`, flags, a
// multi-valued `-a` that takes values up to the next option, and the global `--verbose`.

function parseArgs(argv) {
  const verbose = argv.includes("--verbose");
  argv = argv.filter((a) => a !== "--verbose");
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("a subcommand is required but one was not provided", mainUsage());
  if (name === "--help" || name === "-h" || name === "help") return { help: mainHelp() };
  if (name === "--version" || name === "-V") return { version: true };
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`Found argument '${name}' which wasn't expected, or isn't valid in this context`, mainUsage());
  const usage = commandUsage(name);
  const values = { verbose };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--help" || arg === "-h") return { help: commandHelp(name) };
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg) || /^-([^-])(.+)?$/.exec(arg);
    const spec = m && command.options.find((o) => (arg.startsWith("--") ? o[0] : o[1]) === m[1]);
    if (!spec) throw new UsageError(`Found argument '${arg}' which wasn't expected, or isn't valid in this context`, usage);
    const [long, , valueName, , , extra = {}] = spec;
    if (valueName === null) {
      if (m[2] !== undefined) throw new UsageError(`Found argument '${arg}' which wasn't expected, or isn't valid in this context`, usage);
      values[long] = true;
      continue;
    }
    const taken = [];
    if (m[2] !== undefined) taken.push(m[2]);
    else if (i + 1 < rest.length) taken.push(rest[++i]);
    if (extra.multiple) while (i + 1 < rest.length && !rest[i + 1].startsWith("-")) taken.push(rest[++i]);
    if (taken.length === 0) throw new UsageError(`The argument '${optionName(spec)}' requires a value but none was supplied`, usage);
    if (extra.choices && !extra.choices.includes(taken[0]))
      throw new UsageError(`'${taken[0]}' isn't a valid value for '${optionName(spec)}'\n\t[possible values: ${extra.choices.join(", ")}]\n`, usage);
    values[long] = extra.multiple ? [...(values[long] || []), ...taken] : taken[0];
  }
  for (const [long, , valueName, def, , extra = {}] of command.options) {
    if (values[long] === undefined && valueName !== null && def !== null) values[long] = def;
    if (values[long] === undefined && extra.required)
      throw new UsageError(`The following required arguments were not provided:\n    ${optionName(command.options.find((o) => o[0] === long))}`, usage);
  }
  if (values.arguments && (values.abi || values.stdin))
    throw new UsageError(`The argument '${values.abi ? "--abi" : "--stdin"}' cannot be used with '--arguments <arguments>...'`, usage);
  return { command, values };
}

const optionName = ([long, , valueName, , , extra = {}]) =>
  `--${long}` + (valueName ? ` <${valueName}>${extra.multiple ? "..." : ""}` : "");

function mainUsage() {
  return "zokrates [FLAGS] [SUBCOMMAND]";
}

function commandUsage(name) {
  const required = COMMANDS[name].options.filter((o) => o[5]?.required).map(optionName);
  return [`zokrates ${name} [FLAGS] [OPTIONS]`, ...required].join(" ");
}

function mainHelp() {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "ZoKrates (zokrates-js: ZoKrates compiled to WebAssembly)",
    "",
    "USAGE:",
    `    ${mainUsage()}`,
    "",
    "FLAGS:",
    "    -h, --help       Prints help information",
    "    -V, --version    Prints version information",
    "        --verbose    Verbose mode",
    "",
    "SUBCOMMANDS:",
    ...Object.entries(COMMANDS).map(([n, c]) => `    ${n.padEnd(width)}    ${c.about}`),
  ].join("\n");
}

function commandHelp(name) {
  const lines = COMMANDS[name].options.map((o) => {
    const [long, short, , def, help, extra = {}] = o;
    const flag = `${short ? `-${short}, ` : "    "}${optionName(o)}`;
    const notes = (extra.choices ? ` [possible values: ${extra.choices.join(", ")}]` : "") + (def !== null ? ` [default: ${def}]` : "");
    return `    ${flag.padEnd(40)} ${help}${notes}`;
  });
  return [`zokrates-${name}`, COMMANDS[name].about, "", "USAGE:", `    ${commandUsage(name)}`, "", "OPTIONS:", ...lines].join("\n");
}

// ---------------------------------------------------------------------------------------------
// zokrates-js, loaded only when a command needs it (loading takes ~0.4 s: a 55 MB module).

// The Rust panic hook of zokrates-js writes the panic message with console.error and then the
// WebAssembly traps; keep the message to report it the way the native CLI does.
const panicMessages = [];

async function zokrates(options = {}) {
  // Cache the inflated WebAssembly module (inflate-cache.mjs); Node before 20.6 has no hooks.
  if (typeof nodeModule.register === "function") nodeModule.register("./module-hooks.mjs", import.meta.url);
  const { initialize } = await import("zokrates-js");
  console.error = (...parts) => panicMessages.push(parts.join(" "));
  const provider = await initialize();
  return provider.withOptions({ backend: "ark", scheme: "g16", curve: "bn128", ...options });
}

// Runs a zokrates-js call: its errors are strings (reworded by `onError`), its panics traps.
function call(fn, onError = (e) => e) {
  try {
    return fn();
  } catch (e) {
    if (typeof e === "string") throw new CliError(onError(e));
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    const panic = panicMessages.join("\n").split("\n\nStack:")[0];
    const hint = e.message.includes("memory access out of bounds") ? " (most likely ZoKrates overflowed its stack: too deeply nested code)" : "";
    throw new CliError(`The compiler unexpectedly panicked\n${panic || `${e}${hint}`}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Files. Messages read like Rust's io::Error ("No such file or directory (os error 2)").

function ioMessage(e) {
  const what = /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
  return e.errno ? `${what[0].toUpperCase()}${what.slice(1)} (os error ${Math.abs(e.errno)})` : what;
}

function readFile(file, encoding, verb = "Could not open") {
  try {
    return fs.readFileSync(file, encoding);
  } catch (e) {
    throw new CliError(`${verb} ${file}: ${ioMessage(e)}`);
  }
}

function readJson(file, what) {
  const text = readFile(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`Could not deserialize ${what}: ${e.message}`);
  }
}

// Write to a private temporary file, then rename it over the target: readers never see half a file.
function writeAtomic(file, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.rmSync(tmp, { force: true });
    fs.writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CliError(`Could not create ${file}: ${ioMessage(e)}`);
  }
}

// A compiled program, with its header checked as the native CLI does before anything else.
function readProgram(file, verb) {
  const program = readFile(file, undefined, verb);
  if (program.length < 8) throw new CliError("Invalid header");
  if (program.readUInt32BE(0) !== 0x5a4f4b00) throw new CliError("Invalid magic number");
  if (program.readUInt32BE(4) !== 0x03000000) throw new CliError("Invalid file version");
  return program;
}

// Serialized like serde_json::to_string_pretty (2 spaces, no final newline).
const pretty = (value) => JSON.stringify(value, null, 2);

// ---------------------------------------------------------------------------------------------
// compile

// Source locations are given to zokrates-js relative to the main file's directory and starting
// with "./" or "../": zokrates-js looks up any other relative path in its embedded stdlib, and
// the native CLI also records paths relative to that directory in the program (as in
// "Assertion failed at lib/helper.zok:2:5").
function importResolver(mainFile) {
  const root = path.dirname(path.resolve(mainFile));
  const mainLocation = "./" + path.basename(mainFile);
  const shown = new Map([[mainLocation, displayPath(path.resolve(mainFile))]]);
  const resolve = (currentLocation, importLocation) => {
    // Like the native resolver: relative to the importing file, extension replaced by ".zok".
    const target = path.resolve(root, path.dirname(currentLocation), importLocation);
    const file = target.slice(0, target.length - path.extname(target).length) + ".zok";
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return null;
    const relative = path.relative(root, file);
    const location = relative.startsWith("../") ? relative : "./" + relative;
    shown.set(location, displayPath(file));
    return { source: fs.readFileSync(file, "utf8"), location };
  };
  return { mainLocation, resolve, shown };
}

// How the native CLI shows a source file in errors: canonical, relative to the working directory
// when inside it.
function displayPath(file) {
  const real = fs.realpathSync(file);
  const cwd = fs.realpathSync(process.cwd());
  return real.startsWith(cwd + path.sep) ? real.slice(cwd.length + 1) : real;
}

// zokrates-js joins "<location>:<line>:<col>\n\t<message>" errors with one newline, the native CLI
// with a blank line and with the file shown as displayPath; messages may span lines, so split
// only where a known location starts a line.
function formatCompileErrors(message, shown) {
  const locations = [...shown.keys()].sort((a, b) => b.length - a.length);
  const errors = [];
  for (const line of message.split("\n")) {
    const location = locations.find((l) => line.startsWith(l + ":"));
    if (location) errors.push(shown.get(location) + line.slice(location.length));
    else if (errors.length) errors[errors.length - 1] += "\n" + line;
    else errors.push(line);
  }
  const native = errors
    .join("\n\n")
    .replace(/could not resolve module `([^`]*)`|module `([^`]*)` not found in stdlib/g, (_, a, b) => `No file found at ${a ?? b}`);
  return `Compilation failed:\n\n${native}`;
}

async function compile(o) {
  say(`Compiling ${o.input}\n`);
  const source = readFile(o.input, "utf8");
  const z = await zokrates({ curve: o.curve });
  const { mainLocation, resolve, shown } = importResolver(o.input);
  const options = { location: mainLocation, resolveCallback: resolve, config: { debug: !!o.debug }, snarkjs: !!o.r1cs };
  const artifacts = call(() => z.compile(source, options), (e) => formatCompileErrors(e, shown));
  writeAtomic(o.output, artifacts.program);
  if (o.r1cs) writeAtomic(o.r1cs, artifacts.snarkjs.program);
  writeAtomic(o["abi-spec"], pretty(artifacts.abi));
  say(`Compiled code written to '${o.output}'`);
  say(`Number of constraints: ${artifacts.constraintCount}`);
}

// ---------------------------------------------------------------------------------------------
// compute-witness

// Raw arguments are field elements in decimal, as the native CLI parses them (no leading zeros;
// values past the modulus are reduced by ZoKrates, natively too).
function rawArguments(o) {
  const values = o.stdin ? readFile(0, "utf8").split(/\s+/).filter(Boolean) : o.arguments || [];
  const bad = values.find((v) => !/^(0|[1-9][0-9]*)$/.test(v));
  if (bad !== undefined) throw new CliError(`Could not parse argument: ${bad}`);
  return values;
}

function abiArguments() {
  const text = readFile(0, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`Could not parse argument: Invalid JSON: ${e.message}`);
  }
}

// Reword zokrates-js' errors as the native CLI words them.
function witnessError(e, raw) {
  if (e.startsWith("Execution failed: ")) return e.replace(/ at \.\//g, " at ");
  const count = raw && /^Type error: Expected (\d+) inputs, found (\d+)$/.exec(e);
  if (count) {
    const [, expected, received] = count.map(Number);
    return `Execution failed: Program takes ${expected} input${expected === 1 ? "" : "s"} but was passed ${received} value${received === 1 ? "" : "s"}`;
  }
  // zokrates_abi's errors; anything else (e.g. a bad abi.json) is shown as is.
  return /^(Invalid JSON|Invalid ZoKrates values|Type error): /.test(e) ? `Could not parse argument: ${e}` : e;
}

async function computeWitness(o) {
  const program = readProgram(o.input);
  const z = await zokrates();
  say("Computing witness...");
  if (o.abi && !o.stdin) throw new CliError("ABI input as inline argument is not supported. Please use `--stdin`.");
  const input = o.abi ? { program, abi: readJson(o["abi-spec"], "ABI specification") } : program;
  const args = o.abi ? abiArguments() : rawArguments(o);
  const result = call(() => z.computeWitness(input, args, { logCallback: say }), (e) => witnessError(e, !o.abi));
  // zokrates-js pretty-prints the outputs; the native CLI prints them compact.
  say(`\nWitness: \n${JSON.stringify(JSON.parse(result.output))}\n`);
  writeAtomic(o.output, result.witness);
  say(`Witness file written to '${o.output}'`);
}

// ---------------------------------------------------------------------------------------------
// universal-setup, setup

async function universalSetup(o) {
  const z = await zokrates({ curve: o.curve, scheme: o["proving-scheme"] });
  say("Performing setup...");
  const size = Number(o.size);
  if (!/^[0-9]+$/.test(o.size) || size > 0xffffffff) throw new CliError(`Universal setup size ${o.size} is invalid`);
  const srs = call(() => z.universalSetup(size, o.entropy));
  writeAtomic(o["universal-setup-path"], srs);
  say(`Universal setup written to '${o["universal-setup-path"]}'`);
  say("Universal setup completed");
}

async function setup(o) {
  const program = readProgram(o.input, "Couldn't open");
  const scheme = o["proving-scheme"];
  const z = await zokrates({ backend: o.backend, scheme });
  let keypair;
  if (scheme === "marlin") {
    const srsPath = o["universal-setup-path"];
    let srs;
    try {
      srs = fs.readFileSync(srsPath);
    } catch (e) {
      throw new CliError(`Couldn't open ${srsPath}: ${ioMessage(e)}\nExpected an universal setup, make sure \`zokrates universal-setup\` was run\``);
    }
    say("Performing setup...");
    keypair = call(() => z.setupWithSrs(srs, program));
  } else {
    say("Performing setup...");
    keypair = call(() => z.setup(program, o.entropy));
  }
  writeAtomic(o["verification-key-path"], pretty(keypair.vk));
  say(`Verification key written to '${o["verification-key-path"]}'`);
  writeAtomic(o["proving-key-path"], keypair.pk);
  say(`Proving key written to '${o["proving-key-path"]}'`);
  say("Setup completed");
}

// ---------------------------------------------------------------------------------------------
// generate-proof, verify, export-verifier

async function generateProof(o) {
  const program = readProgram(o.input);
  const z = await zokrates({ backend: o.backend, scheme: o["proving-scheme"] });
  say("Generating proof...");
  const witness = readFile(o.witness);
  const provingKey = readFile(o["proving-key-path"]);
  const proof = pretty(call(() => z.generateProof(program, witness, provingKey, o.entropy)));
  writeAtomic(o["proof-path"], proof);
  if (o.verbose) say(`Proof:\n${proof}`);
  say(`Proof written to '${o["proof-path"]}'`);
}

// A prover session (zokml's ProverSession): the program, its ABI and the proving key are read
// once; each request is one line of ABI arguments (the private values come only through this
// pipe, never a file or a command line) and gets one line back. Witnesses stay in memory. A
// request's failure (an assertion, bad arguments) is reported as {"error"} and the session goes
// on; end of input ends it.
async function proveSession(o) {
  const program = readProgram(o.input);
  const abi = readJson(o["abi-spec"], "ABI specification");
  const provingKey = readFile(o["proving-key-path"]);
  const z = await zokrates();
  const reply = (value) => process.stdout.write(JSON.stringify(value) + "\n");
  let buffered = "";
  const handle = (line) => {
    if (!line.trim()) return;
    try {
      let args;
      try {
        args = JSON.parse(line);
      } catch (e) {
        throw new CliError(`Could not parse argument: Invalid JSON: ${e.message}`);
      }
      const start = performance.now();
      const result = call(() => z.computeWitness({ program, abi }, args), (e) => witnessError(e, false));
      const witnessed = performance.now();
      const proof = call(() => z.generateProof(program, result.witness, provingKey));
      reply({ proof, output: JSON.stringify(JSON.parse(result.output)), witness_s: (witnessed - start) / 1000, proof_s: (performance.now() - witnessed) / 1000 });
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      reply({ error: e.message });
    }
  };
  for await (const chunk of process.stdin) {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf("\n")) >= 0) {
      handle(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
  }
  handle(buffered);
}

// The backend, curve and scheme combinations the native CLI accepts (as its Parameters type).
function checkParameters(backend, curve, scheme) {
  if (!CURVES.includes(curve)) throw new CliError(`Unknown curve ${curve}`);
  if (!SCHEMES.includes(scheme)) throw new CliError(`Unknown proving scheme ${scheme}`);
  const ok = backend === "bellman"
    ? scheme === "g16" && ["bn128", "bls12_381"].includes(curve)
    : ["bn128", "bls12_381", "bls12_377", "bw6_761"].includes(curve);
  if (!ok) throw new CliError(`Unsupported combination of parameters (backend: ${backend}, curve: ${curve}, proving scheme: ${scheme})`);
}

// The string field `key` of a proof or verification key, checked as the native CLI does.
function tag(object, key, what) {
  if (object === null || typeof object !== "object" || !(key in object)) throw new CliError(`Field \`${key}\` not found in ${what}`);
  if (typeof object[key] !== "string") throw new CliError(`\`${key}\` should be a string`);
  return object[key];
}

async function verify(o) {
  const vk = readJson(o["verification-key-path"], "verification key");
  const proof = readJson(o["proof-path"], "proof");
  const [proofCurve, proofScheme] = [tag(proof, "curve", "proof"), tag(proof, "scheme", "proof")];
  const [vkCurve, vkScheme] = [tag(vk, "curve", "verification key"), tag(vk, "scheme", "verification key")];
  if (proofCurve !== vkCurve)
    throw new CliError(`Expected the curve of the proof and the verification key to be equal, found ${proofCurve} != ${vkCurve}`);
  if (proofScheme !== vkScheme)
    throw new CliError(`Expected the scheme of the proof and the verification key to be equal, found ${proofScheme} != ${vkScheme}`);
  checkParameters(o.backend, vkCurve, vkScheme);
  const z = await zokrates({ backend: o.backend, curve: vkCurve, scheme: vkScheme });
  let passed;
  try {
    passed = call(() => z.verify(vk, proof), (e) => `Could not deserialize verification key or proof: ${e}`);
  } catch (e) {
    // Natively a malformed point passes deserialization and panics inside the verification.
    if (e.message.startsWith("The compiler unexpectedly panicked")) say("Performing verification...");
    throw e;
  }
  say("Performing verification...");
  // Like the native CLI, a proof that does not verify still exits 0.
  say(passed ? "PASSED" : "FAILED");
}

async function exportVerifier(o) {
  const vk = readJson(o.input, "verification key");
  const [curve, scheme] = [tag(vk, "curve", "verification key"), tag(vk, "scheme", "verification key")];
  if (!CURVES.includes(curve)) throw new CliError(`Unknown curve ${curve}`);
  if (!SCHEMES.includes(scheme)) throw new CliError(`Unknown proving scheme ${scheme}`);
  if (curve !== "bn128")
    throw new CliError(`Could not export verifier with given parameters (curve: ${curve}, scheme: ${scheme}): not supported`);
  const z = await zokrates();
  say("Exporting verifier...");
  const verifier = call(() => z.exportSolidityVerifier(vk));
  writeAtomic(o.output, verifier);
  say(`Verifier exported to '${o.output}'`);
}

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  try {
    const { help, version, command, values } = parseArgs(argv);
    if (help !== undefined) return say(help);
    if (version) return say(`ZoKrates ${(await import("zokrates-js")).metadata.version}`);
    await command.run(values);
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\nUSAGE:\n    ${e.usage}\n\nFor more information try --help\n`);
    } else if (e instanceof CliError) {
      say(e.message);
    } else {
      process.stderr.write(`zokrates: internal error: ${e?.stack ?? e}\n`);
    }
  }
}

await main(process.argv.slice(2));
