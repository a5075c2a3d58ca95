// Runs a ZoKrates Solidity verifier in an in-process EVM: compiles verifier.sol with solc (the
// compiler as WebAssembly), deploys it (and the libraries it links, such as gm17's BN256G2) in
// real transactions on @ethereumjs/vm, then calls verifyTx and prints one JSON line:
//
//   {"verified":true,"deploy_gas":N,"verify_gas":N,"deployments":[{"contract":"Verifier","gas":N}]}
//
// Gas is what the transactions spend (intrinsic 21000/53000, call data and execution), at the
// hardfork below. A verifier that reverts (a public input outside the field, a point off the
// curve) rejects the proof: "verified" is false and "reverted" gives the EVM error; exit code 0.
// A failure to answer at all (a missing file, a compile error, call data for another function)
// prints its message on stdout and exits 1, as the bundled zokrates command does.
//
// What verifyTx is called with, exactly one of:
//   --proof FILE      a ZoKrates proof.json: its points and public inputs
//   --arguments FILE  verifyTx's arguments as JSON, as remix and ethers take them:
//                     [[[a.X, a.Y], [[b.X0, b.X1], [b.Y0, b.Y1]], [c.X, c.Y]], [input, ...]]
//   --calldata FILE   the raw call data in hex (selector and ABI-encoded arguments), sent as is
import fs from "node:fs";

const SOLC_SETTINGS = { optimizer: { enabled: true, runs: 200 }, evmVersion: "prague" };
const HARDFORK = "prague";
const GAS_LIMIT = 30_000_000n;
// The transactions' sender: a fixed test key; balance and nonce checks are skipped.
const SENDER_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

const USAGE = "node evm-verify.mjs --verifier FILE (--proof FILE | --arguments FILE | --calldata FILE)";

// A failure to answer: printed on stdout, exit 1.
class CliError extends Error {}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const known = ["verifier", "proof", "arguments", "calldata"];
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (argv[i] === "--help" || argv[i] === "-h") return { help: true };
    if (!m || !known.includes(m[1])) throw new CliError(`Unexpected argument '${argv[i]}'\nUsage: ${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new CliError(`--${m[1]} requires a file\nUsage: ${USAGE}`);
    values[m[1]] = value;
  }
  if (!values.verifier) throw new CliError(`--verifier is required\nUsage: ${USAGE}`);
  const sources = ["proof", "arguments", "calldata"].filter((k) => values[k] !== undefined);
  if (sources.length !== 1) throw new CliError(`Give exactly one of --proof, --arguments, --calldata\nUsage: ${USAGE}`);
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

// An npm package of tools/package.json, loaded when needed; missing, it is a setup problem.
async function load(name) {
  try {
    return await import(name);
  } catch (e) {
    if (e?.code === "ERR_MODULE_NOT_FOUND") throw new CliError(`evm-verify: ${name} is not installed in tools/node_modules; run scripts/setup.sh`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Compile

// All contracts of one source file: {name: {abi, bytecode, linkReferences, methodIdentifiers}}.
async function compileSolidity(file) {
  const { default: solc } = await load("solc");
  const input = {
    language: "Solidity",
    sources: { [file]: { content: readFile(file) } },
    settings: {
      ...SOLC_SETTINGS,
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences", "evm.methodIdentifiers"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new CliError(`Compilation of ${file} failed (solc ${solc.version()}):\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const contracts = {};
  for (const [name, c] of Object.entries(output.contracts[file] ?? {})) {
    contracts[name] = { abi: c.abi, bytecode: c.evm.bytecode.object, linkReferences: c.evm.bytecode.linkReferences, methodIdentifiers: c.evm.methodIdentifiers };
  }
  return contracts;
}

// The contract that has verifyTx, and that function's ABI entry and selector.
function findVerifier(contracts, file) {
  for (const [name, c] of Object.entries(contracts)) {
    const fn = c.abi.find((e) => e.type === "function" && e.name === "verifyTx");
    if (!fn) continue;
    const signature = Object.keys(c.methodIdentifiers).find((s) => s.startsWith("verifyTx("));
    return { name, fn, signature, selector: c.methodIdentifiers[signature] };
  }
  throw new CliError(`No contract in ${file} has a verifyTx function`);
}

// ---------------------------------------------------------------------------------------------
// ABI encoding of verifyTx's arguments: static types only (uint256, fixed arrays, tuples), each
// value a hex or decimal string or a number, nested as the types nest.

function encodeValue(type, value, where) {
  const array = /^(.*)\[(\d*)\]$/.exec(type.type);
  if (array) {
    if (array[2] === "") throw new CliError(`${where}: dynamic array type ${type.type} is not supported`);
    const length = Number(array[2]);
    if (!Array.isArray(value) || value.length !== length) throw new CliError(`${where}: expected an array of ${length} values for ${type.type}`);
    const element = { ...type, type: array[1] };
    return value.flatMap((v, i) => encodeValue(element, v, `${where}[${i}]`));
  }
  if (type.type === "tuple") {
    if (!Array.isArray(value) || value.length !== type.components.length)
      throw new CliError(`${where}: expected an array of ${type.components.length} values for a tuple`);
    return type.components.flatMap((c, i) => encodeValue(c, value[i], `${where}.${c.name || i}`));
  }
  if (type.type !== "uint256") throw new CliError(`${where}: type ${type.type} is not supported`);
  let n;
  try {
    n = BigInt(value);
  } catch {
    throw new CliError(`${where}: '${value}' is not a number`);
  }
  if (n < 0n || n >= 1n << 256n) throw new CliError(`${where}: ${value} does not fit in uint256`);
  return [n.toString(16).padStart(64, "0")];
}

function encodeCall(verifier, args) {
  const params = verifier.fn.inputs;
  if (!Array.isArray(args) || args.length !== params.length)
    throw new CliError(`${verifier.signature} takes ${params.length} argument${params.length === 1 ? "" : "s"}, given ${Array.isArray(args) ? args.length : "no array"}`);
  return "0x" + verifier.selector + params.flatMap((p, i) => encodeValue(p, args[i], p.name || `argument ${i}`)).join("");
}

// verifyTx's arguments from a proof.json: the proof's points, then the public inputs when the
// verifier takes any (a program without public inputs gets verifyTx(Proof) alone).
function argumentsOfProof(proof, verifier, file) {
  const p = proof?.proof;
  if (!p || !p.a || !p.b || !p.c || !Array.isArray(proof.inputs)) throw new CliError(`${file}: expected a ZoKrates proof with proof.a, proof.b, proof.c and inputs`);
  const args = [[p.a, p.b, p.c]];
  if (verifier.fn.inputs.length > 1) args.push(proof.inputs);
  else if (proof.inputs.length) throw new CliError(`${file}: the proof has ${proof.inputs.length} public inputs, the verifier takes none`);
  return args;
}

// Raw call data: hex, checked against verifyTx's selector and (static) length.
function checkCalldata(text, verifier, file) {
  const hex = text.trim();
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new CliError(`${file}: expected call data as 0x-prefixed hex`);
  const selector = hex.slice(2, 10).toLowerCase();
  if (selector !== verifier.selector) throw new CliError(`${file}: the call data selects function 0x${selector}, the verifier's ${verifier.signature} is 0x${verifier.selector}`);
  const words = verifier.fn.inputs.reduce((n, p) => n + staticWords(p), 0);
  const expected = 4 + 32 * words;
  if ((hex.length - 2) / 2 !== expected) throw new CliError(`${file}: ${(hex.length - 2) / 2} bytes of call data, ${verifier.signature} takes ${expected}`);
  return hex;
}

function staticWords(type) {
  const array = /^(.*)\[(\d+)\]$/.exec(type.type);
  if (array) return Number(array[2]) * staticWords({ ...type, type: array[1] });
  if (type.type === "tuple") return type.components.reduce((n, c) => n + staticWords(c), 0);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// The EVM

async function chain() {
  const [{ createVM, runTx }, { createLegacyTx }, { Common, Mainnet }, util] = await Promise.all(
    ["@ethereumjs/vm", "@ethereumjs/tx", "@ethereumjs/common", "@ethereumjs/util"].map(load),
  );
  const common = new Common({ chain: Mainnet, hardfork: HARDFORK });
  const vm = await createVM({ common });
  let nonce = 0n;
  // One signed transaction, run in a default block; returns runTx's result.
  const send = async (to, data) => {
    const tx = createLegacyTx({ nonce: nonce++, gasPrice: 10n ** 10n, gasLimit: GAS_LIMIT, to, data: util.hexToBytes(data) }, { common }).sign(SENDER_KEY);
    return runTx(vm, { tx, skipBalance: true, skipBlockGasLimitValidation: true });
  };
  const failure = (result) => result.execResult.exceptionError?.error;
  return {
    async deploy(name, bytecode) {
      const result = await send(undefined, "0x" + bytecode);
      if (failure(result)) throw new CliError(`Deploying ${name} failed: ${failure(result)}`);
      return { address: result.createdAddress, gas: result.totalGasSpent };
    },
    async call(address, data) {
      const result = await send(address, data);
      return { error: failure(result), returned: util.bytesToHex(result.execResult.returnValue), gas: result.totalGasSpent };
    },
  };
}

// Deploys the contract after the libraries it links (recursively), once each; returns its address.
async function deployLinked(evm, contracts, name, deployed, deployments) {
  if (deployed[name]) return deployed[name];
  const contract = contracts[name];
  if (!contract) throw new CliError(`The verifier links library ${name}, which is not in the source`);
  let code = contract.bytecode;
  for (const libraries of Object.values(contract.linkReferences ?? {})) {
    for (const [library, places] of Object.entries(libraries)) {
      const address = (await deployLinked(evm, contracts, library, deployed, deployments)).toString().slice(2);
      for (const { start, length } of places) code = code.slice(0, 2 * start) + address + code.slice(2 * (start + length));
    }
  }
  const { address, gas } = await evm.deploy(name, code);
  deployments.push({ contract: name, gas: Number(gas) });
  deployed[name] = address;
  return address;
}

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  try {
    const o = parseArgs(argv);
    if (o.help) return process.stdout.write(`Usage: ${USAGE}\n`);
    const contracts = await compileSolidity(o.verifier);
    const verifier = findVerifier(contracts, o.verifier);
    let data;
    if (o.proof) data = encodeCall(verifier, argumentsOfProof(readJson(o.proof), verifier, o.proof));
    else if (o.arguments) data = encodeCall(verifier, readJson(o.arguments));
    else data = checkCalldata(readFile(o.calldata), verifier, o.calldata);

    const evm = await chain();
    const deployments = [];
    const address = await deployLinked(evm, contracts, verifier.name, {}, deployments);
    const call = await evm.call(address, data);
    const result = {
      verified: !call.error && /^0x0{63}1$/.test(call.returned),  // the ABI-encoded bool true
      deploy_gas: deployments.reduce((sum, d) => sum + d.gas, 0),
      verify_gas: Number(call.gas),
      deployments,
    };
    if (call.error) result.reverted = call.error;
    process.stdout.write(JSON.stringify(result) + "\n");
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof CliError) process.stdout.write(e.message + "\n");
    else process.stdout.write(`evm-verify: internal error: ${e?.stack ?? e}\n`);
  }
}

await main(process.argv.slice(2));
