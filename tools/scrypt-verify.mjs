// Runs a zokml sCrypt verifier (verifier.ts, scrypt-ts) off chain on a ZoKrates proof.json:
// transpiles the TypeScript in memory with the TypeScript compiler, loads it with scrypt-ts and
// scrypt-ts-lib from tools/node_modules, and calls Groth16.verify(prepareVerifyingKey(), inputs,
// proof), the check of the contract's verifyProof. The @method code runs as plain TypeScript,
// not compiled to Script: the sCrypt compiler is a native binary from outside the npm registry
// (`npx scryptlib download`). Prints one JSON line:
//
//   {"verified":true,"verify_ms":N}
//
// verify_ms is the time of Groth16.verify alone (the pairings), as the contract spends it: the
// prepared key is computed once, off chain. A rejected proof gives "verified":false, exit code 0.
// A failure to answer (a missing file, a syntax error, a proof with another number of public
// inputs than the key, an exception in verify) prints its message on stdout and exits 1, as
// evm-verify.mjs does.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const USAGE = "node scrypt-verify.mjs --verifier verifier.ts --proof proof.json [--typecheck]";
const COMPILER_OPTIONS = {
  target: "ES2020",
  module: "CommonJS",
  // The legacy decorators that scrypt-ts's @method and @prop are written for.
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

// A failure to answer: printed on stdout, exit 1.
class CliError extends Error {}

function parseArgs(argv) {
  const known = ["verifier", "proof"];
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (argv[i] === "--help" || argv[i] === "-h") return { help: true };
    if (argv[i] === "--typecheck") {
      values.typecheck = true;
      continue;
    }
    if (!m || !known.includes(m[1])) throw new CliError(`Unexpected argument '${argv[i]}'\nUsage: ${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new CliError(`--${m[1]} requires a file\nUsage: ${USAGE}`);
    values[m[1]] = value;
  }
  for (const k of known) if (!values[k]) throw new CliError(`--${k} is required\nUsage: ${USAGE}`);
  return values;
}

function readFile(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`Could not open ${file}: ${e.message}`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFile(file));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`Could not parse ${file}: ${e.message}`);
  }
}

// Packages of tools/package.json (CommonJS, as the transpiled verifier is); missing, it is a
// setup problem.
const requireTool = createRequire(import.meta.url);
function load(name) {
  try {
    return quietly(() => requireTool(name));
  } catch (e) {
    if (e?.code === "MODULE_NOT_FOUND" && e.message.includes(`'${name}'`))
      throw new CliError(`scrypt-verify: ${name} is not installed in tools/node_modules; run scripts/setup.sh`);
    throw e;
  }
}

// bigint-buffer (used by scryptlib) warns on stderr when it has no native bindings, which its
// install script would build: its JavaScript fallback computes the same.
function quietly(f) {
  const warn = console.warn;
  console.warn = (...args) => String(args[0]).startsWith("bigint: Failed to load bindings") || warn(...args);
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}

// Throws the errors among TypeScript's diagnostics, each with its file, line and column.
function throwErrors(ts, diagnostics) {
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (!errors.length) return;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
  throw new CliError(ts.formatDiagnostics(errors, host).trimEnd());
}

const NODE_MODULES = fileURLToPath(new URL("node_modules", import.meta.url));

// As `tsc --strict --noEmit` on the file, with its imports resolved in tools/node_modules.
function typecheck(file) {
  readFile(file);  // a missing file is reported as such
  const ts = load("typescript");
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    { ...COMPILER_OPTIONS, strict: true, noEmit: true, skipLibCheck: true, types: [], baseUrl: NODE_MODULES },
    ".",
  );
  throwErrors(ts, errors);
  throwErrors(ts, ts.getPreEmitDiagnostics(ts.createProgram([file], options)));
}

// The verifier module's exports: TypeScript transpiled to CommonJS, then run as a module whose
// imports resolve in tools/node_modules.
function loadVerifier(file) {
  const ts = load("typescript");
  const { options, errors } = ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, ".");
  throwErrors(ts, errors);
  const output = ts.transpileModule(readFile(file), { fileName: file, reportDiagnostics: true, compilerOptions: options });
  throwErrors(ts, output.diagnostics);
  const module = { exports: {} };
  const filename = path.resolve(file);
  const run = vm.compileFunction(output.outputText, ["exports", "require", "module", "__filename", "__dirname"], { filename });
  run(module.exports, load, module, filename, path.dirname(filename));
  for (const name of ["N_PUB_INPUTS", "Groth16", "prepareVerifyingKey", "proofFromZokrates"])
    if (!(name in module.exports)) throw new CliError(`${file} does not export ${name}: not a zokml sCrypt verifier`);
  return module.exports;
}

// Groth16.verify's arguments from a proof.json: the inputs only when the key has any (a key
// without public inputs gives verify(vk, proof)).
function argumentsOfProof(verifier, json, file) {
  const p = json?.proof;
  if (!p?.a || !p?.b || !p?.c || !Array.isArray(json.inputs)) throw new CliError(`${file}: expected a ZoKrates proof with proof.a, proof.b, proof.c and inputs`);
  const n = verifier.N_PUB_INPUTS;
  if (json.inputs.length !== n) throw new CliError(`${file}: the proof has ${json.inputs.length} public inputs, the verifier takes ${n}`);
  try {
    const proof = verifier.proofFromZokrates(json);
    return n === 0 ? [proof] : [verifier.publicInputsFromZokrates(json), proof];
  } catch (e) {
    throw new CliError(`${file}: ${e.message}`);
  }
}

async function main(argv) {
  try {
    const o = parseArgs(argv);
    if (o.help) return process.stdout.write(`Usage: ${USAGE}\n`);
    if (o.typecheck) typecheck(o.verifier);
    const verifier = loadVerifier(o.verifier);
    const args = argumentsOfProof(verifier, readJson(o.proof), o.proof);
    const key = verifier.prepareVerifyingKey();
    const start = performance.now();
    let verified;
    try {
      verified = verifier.Groth16.verify(key, ...args);
    } catch (e) {
      throw new CliError(`Groth16.verify failed: ${e?.stack ?? e}`);
    }
    const verify_ms = Math.round(performance.now() - start);
    if (typeof verified !== "boolean") throw new CliError(`Groth16.verify returned ${verified}, not a boolean`);
    process.stdout.write(JSON.stringify({ verified, verify_ms }) + "\n");
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof CliError) process.stdout.write(e.message + "\n");
    else process.stdout.write(`scrypt-verify: internal error: ${e?.stack ?? e}\n`);
  }
}

await main(process.argv.slice(2));
