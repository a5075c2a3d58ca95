// The snarkjs side of the circom2 + snarkjs baseline that bench/circom_baseline_bench runs beside
// zokml (docs/benchmarks.md#side-by-side-with-circom2--snarkjs). Each command prints one JSON line.
//
//   node circom-baseline.mjs info CIRCUIT.r1cs
//       constraints, wires and public values
//   node circom-baseline.mjs setup CIRCUIT.r1cs POT.ptau OUT.zkey OUT_vk.json
//       Groth16 setup and one phase-2 contribution; exports the verification key
//   node circom-baseline.mjs prove CIRCUIT.wasm CIRCUIT.zkey VK.json < INPUTS.json
//       in one process, for each input of a JSON list ({"x": [...]}): witness, proof, verification;
//       the witness calculator and the proving key are loaded once, as a long-lived prover would
//
// The powers of tau are zokml's own (tools/snarkjs ptau, through the library's store).
// Contributions take their entropy from the OS (crypto.randomBytes), never from a command line;
// private inputs come on stdin. snarkjs uses a worker thread per core.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { readR1cs } from "r1csfile";
import * as snarkjs from "snarkjs";

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const entropy = () => randomBytes(32).toString("hex");
// snarkjs reports some failures only to its logger (zkey new then returns -1): errors to stderr.
const logger = { error: (m) => console.error(m), warn() {}, info() {}, debug() {} };

async function info(r1csFile) {
    const r1cs = await readR1cs(r1csFile, false, false, true);
    return {
        constraints: r1cs.nConstraints,
        wires: r1cs.nVars,
        private_inputs: r1cs.nPrvInputs,
        public_values: r1cs.nPubInputs + r1cs.nOutputs,
    };
}

async function setup(r1csFile, ptauFile, zkeyFile, vkFile) {
    const start = process.hrtime.bigint();
    const initial = `${zkeyFile}.0`;
    if ((await snarkjs.zKey.newZKey(r1csFile, ptauFile, initial, logger)) === -1) throw new Error("zkey new failed");
    await snarkjs.zKey.contribute(initial, zkeyFile, "zokml bench", entropy());
    rmSync(initial);
    writeFileSync(vkFile, JSON.stringify(await snarkjs.zKey.exportVerificationKey(zkeyFile)));
    return { setup_s: seconds(start) };
}

async function prove(wasmFile, zkeyFile, vkFile) {
    const inputs = JSON.parse(readFileSync(0, "utf8"));
    const calculator = await WitnessCalculatorBuilder(readFileSync(wasmFile));
    const zkey = { type: "mem", data: new Uint8Array(readFileSync(zkeyFile)) };
    const vk = JSON.parse(readFileSync(vkFile, "utf8"));
    const proofs = [];
    for (const input of inputs) {
        let start = process.hrtime.bigint();
        const witness = { type: "mem", data: await calculator.calculateWTNSBin(input, 0) };
        const witness_s = seconds(start);
        start = process.hrtime.bigint();
        const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, witness);
        const proof_s = seconds(start);
        const verified = await snarkjs.groth16.verify(vk, publicSignals, proof);
        proofs.push({ witness_s, proof_s, public: publicSignals, verified });
    }
    return { proofs };
}

const commands = { info, setup, prove };
const [command, ...args] = process.argv.slice(2);
if (!commands[command]) {
    console.error("usage: circom-baseline.mjs info|setup|prove ... (see the comment at the top)");
    process.exit(2);
}
try {
    console.log(JSON.stringify(await commands[command](...args)));
    process.exit(0);  // snarkjs' worker threads would keep the process alive
} catch (e) {
    console.error(`circom-baseline ${command}: ${e.stack ?? e}`);
    process.exit(1);
}
