// Shared by the tests: a private temporary folder, paths of fixtures, the real toolchain.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <vector>

#include "zokml/circuit/private_input.hpp"
#include "zokml/core/files.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "toolchain/subprocess.hpp"
#include "zokml/toolchain/circuit.hpp"
#include "zokml/verifier/calldata.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml::test {

// A fresh folder under the system's temporary folder, removed when the test ends.
class TempDir : public TempFolder {
public:
    TempDir() : TempFolder(std::filesystem::temp_directory_path(), "zokml-test") {}
};

inline std::filesystem::path data_path(const std::string& name) { return std::filesystem::path(ZOKML_TEST_DATA) / name; }
inline std::filesystem::path standin(const std::string& name) { return std::filesystem::path(ZOKML_TEST_STANDINS) / name; }
inline std::filesystem::path example_model(const std::string& name) {
    return std::filesystem::path(ZOKML_EXAMPLES_DIR) / "models" / name;
}

// The real ZoKrates toolchain as the library finds it (the bundled zokrates-js one here).
const Toolchain& real_toolchain();

// A fixture program (e.g. "evm/no_inputs.zok") as a one-file circuit.
Circuit fixture_circuit(const std::string& name);

// The shipped small model (examples/models/mnist-784-16-10.json), quantized, and its default
// private-input circuit (private digit, public class), compiled and set up once per test
// process through small_mnist_store(): the private-input tests and the exported verifiers' tests
// share it, and a circuit folder of the same circuit finds its program and keys in that store.
const QuantizedModel& small_mnist_model();
ModelProver& small_mnist_prover();
const ArtifactStore& small_mnist_store();  // a temporary folder, one per test process

// Swaps the G1 points a and c: both still on the curve, no longer a proof.
Proof swapped_a_c(Proof proof);

// Whether the circuit rejects the arguments: computing the witness fails on an assertion
// ("Execution failed"). Any other outcome but success is an error that propagates.
bool witness_fails(const CompiledProgram& program, const std::vector<Value>& arguments);

// A proof of the arguments with the program's keys, proven in a scratch folder.
Proof prove_with(const CompiledProgram& program, const Keypair& keys, const std::vector<Value>& arguments);

// How many processes or threads are blocked waiting for an flock on the file (from /proc/locks):
// to make sure that two builders really overlap.
std::size_t flock_waiters(const std::filesystem::path& file);
// Waits until `count` others wait for the flock on file; throws after 30 s.
void await_flock_waiters(const std::filesystem::path& file, std::size_t count);

// Whether the process is gone (or a zombie nobody reaped yet): polls for up to 10 s.
bool process_ends(int pid);

// A Slurm cluster on this machine (scripts/slurm-cluster.sh: munged, slurmctld and `nodes` slurmd)
// in `dir` for the life of the value; nullptr where none can run (not root, or slurm-wlm and munge
// missing: the script's 77). Throws when the script fails otherwise.
class SlurmCluster {
public:
    static std::unique_ptr<SlurmCluster> start(const std::filesystem::path& dir, std::size_t nodes = 1);
    ~SlurmCluster();
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;
    // sbatch with the arguments against this cluster, from working_dir (at most 10 minutes).
    detail::ProcessResult sbatch(const std::vector<std::string>& arguments, const std::filesystem::path& working_dir) const;

private:
    explicit SlurmCluster(std::filesystem::path dir) : dir_(std::move(dir)) {}
    std::filesystem::path dir_;
};

// What the built zokml command printed and returned.
struct Result {
    int exit_code = -1;
    std::string out;
    std::string err;
    nlohmann::json parsed() const { return nlohmann::json::parse(out); }
};
// Runs the built zokml command (with the private input, if any, on stdin).
Result zokml_cli(const std::vector<std::string>& arguments, const std::string& stdin_data = "");

// The tiny model of docs/model-format.md, saved to file: 3 inputs, 2 hidden units, 2 classes;
// its circuits compile in a second.
std::filesystem::path tiny_model(const std::filesystem::path& file, double weight = -2.0);

struct EvmAnswer {
    bool verified = false;
    long deploy_gas = 0;
    long verify_gas = 0;
    bool reverted = false;
};

// A circuit's Solidity verifier, exported once, and the EVM command run against it.
class EvmVerifier {
public:
    EvmVerifier(const Keypair& keypair, const std::filesystem::path& dir);
    // A verifier.sol already in dir (e.g. one `zokml export-verifier` wrote).
    explicit EvmVerifier(const std::filesystem::path& dir) : dir_(dir) {}

    // Runs `node tools/evm-verify.mjs --verifier verifier.sol <flag> <file with text>`.
    detail::ProcessResult run_raw(const std::string& flag, const std::string& text) const;
    // The command's answer; it must give one (exit code 0).
    EvmAnswer run(const std::string& flag, const std::string& text) const;
    EvmAnswer call(const VerifyTxCall& call) const { return run("--calldata", call.calldata_hex()); }
    EvmAnswer call(const Proof& proof) const { return call(VerifyTxCall::from_proof(proof)); }

private:
    std::filesystem::path dir_;
    mutable int calls_ = 0;
};

// A generated circuit compiled (no setup) in a temporary folder, for tests of witnesses alone.
struct CompiledCircuit {
    explicit CompiledCircuit(const Circuit& circuit);
    Value output(const std::vector<Value>& arguments) const;  // main's return value
    // The public inputs a proof of these arguments would carry.
    std::vector<FieldElement> public_inputs(const std::vector<Value>& arguments) const;
    bool fails(const std::vector<Value>& arguments) const { return witness_fails(program, arguments); }

    TempDir dir;
    CompiledProgram program;
};

// Checks that the class and logits the circuit (generated with `options`, exposed logits among
// them) computes for `input` are the integer reference's; a circuit that takes a claimed class is
// given the reference's. Returns the reference's trace.
ReferenceTrace check_equals_reference(const CompiledCircuit& circuit, const QuantizedModel& model, const PrivateInputOptions& options,
                                      const std::vector<std::int64_t>& input);

}  // namespace zokml::test
