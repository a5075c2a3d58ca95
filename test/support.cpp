#include "support.hpp"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <utility>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "toolchain/subprocess.hpp"
#include "zokml/model/model.hpp"
#include "zokml/toolchain/public_values.hpp"

namespace zokml::test {

const Toolchain& real_toolchain() {
    static const Toolchain toolchain;
    return toolchain;
}

Circuit fixture_circuit(const std::string& name) {
    Circuit circuit;
    std::ifstream in(data_path(name));
    if (!in) throw std::runtime_error("no test fixture " + name);
    circuit.files[circuit.main_file].assign(std::istreambuf_iterator<char>(in), {});
    return circuit;
}

const QuantizedModel& small_mnist_model() {
    static const QuantizedModel model = quantize(load_model(example_model("mnist-784-16-10.json")));
    return model;
}

const ArtifactStore& small_mnist_store() {
    static const TempDir dir;
    static const ArtifactStore store(dir.path());
    return store;
}

ModelProver& small_mnist_prover() {
    static const TempDir dir;
    static ModelProver prover(real_toolchain(), {}, {small_mnist_model()}, small_mnist_store(), dir / "mnist");
    return prover;
}

Proof swapped_a_c(Proof proof) {
    std::swap(proof.points["a"], proof.points["c"]);
    return proof;
}

Proof prove_with(const CompiledProgram& program, const Keypair& keys, const std::vector<Value>& arguments) {
    const TempDir work;
    CircuitProver prover(real_toolchain(), program, keys, work.path());
    return prover.prove(arguments);
}

bool witness_fails(const CompiledProgram& program, const std::vector<Value>& arguments) {
    const TempDir dir;
    try {
        real_toolchain().compute_witness(program, arguments, dir.path());
        return false;
    } catch (const ToolchainError& e) {
        const bool rejected = e.step() == Step::ComputeWitness && e.kind() == ToolchainError::Kind::Failed &&
                              e.tool_output().find("Execution failed") != std::string::npos;
        if (!rejected) throw;
        return true;
    }
}

std::size_t flock_waiters(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return 0;
    const std::string inode = ":" + std::to_string(st.st_ino) + " ";
    std::ifstream locks("/proc/locks");
    std::size_t waiters = 0;
    for (std::string line; std::getline(locks, line);)
        waiters += line.find("-> FLOCK") != std::string::npos && line.find(inode) != std::string::npos;
    return waiters;
}

void await_flock_waiters(const std::filesystem::path& file, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (flock_waiters(file) < count) {
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("nobody waits for " + file.string());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

bool process_ends(int pid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string pid_field, name, state;
        if (!(stat >> pid_field >> name >> state) || state == "Z") return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

Result zokml_cli(const std::vector<std::string>& arguments, const std::string& stdin_data) {
    const auto r = detail::run_process(ZOKML_CLI, arguments, std::filesystem::current_path(), stdin_data, std::chrono::minutes(5));
    INFO(fmt::format("zokml {} printed:\n{}{}", fmt::join(arguments, " "), r.out, r.err));
    REQUIRE_FALSE(r.timed_out);
    return {r.exit_code, r.out, r.err};
}

std::filesystem::path tiny_model(const std::filesystem::path& file, double weight) {
    const Layer relu{Layer::Kind::ReLU, {}};
    const Layer argmax{Layer::Kind::Argmax, {}};
    const Model model{"tiny", 3, 0.0, 1.0,
                      {Layer{Layer::Kind::Dense, {3, 2, {1.0, weight, 0.5, 0.25, 0.0, -1.0}, {0.1, -0.1}}}, relu,
                       Layer{Layer::Kind::Dense, {2, 2, {1, 0, 0, 1}, {0, 0}}}, argmax}};
    save_model(model, file);
    return file;
}

EvmVerifier::EvmVerifier(const Keypair& keypair, const std::filesystem::path& dir) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "verifier.sol") << real_toolchain().export_verifier(keypair, dir_ / "export");
}

detail::ProcessResult EvmVerifier::run_raw(const std::string& flag, const std::string& text) const {
    const std::filesystem::path file = dir_ / ("call-" + std::to_string(calls_++));
    std::ofstream(file) << text;
    const std::filesystem::path script = Toolchain::bundled().parent_path() / "evm-verify.mjs";
    return detail::run_process("/usr/bin/env", {"node", script.string(), "--verifier", "verifier.sol", flag, file.string()}, dir_, "",
                               std::chrono::minutes(2));
}

EvmAnswer EvmVerifier::run(const std::string& flag, const std::string& text) const {
    const auto result = run_raw(flag, text);
    INFO(flag << " " << text << "\n" << result.out << result.err);
    REQUIRE(result.exit_code == 0);
    const auto json = nlohmann::json::parse(result.out);
    return {json.at("verified").get<bool>(), json.at("deploy_gas").get<long>(), json.at("verify_gas").get<long>(),
            json.contains("reverted")};
}

CompiledCircuit::CompiledCircuit(const Circuit& circuit) {
    circuit.write(dir / "circuit");
    program = real_toolchain().compile(dir / "circuit" / circuit.main_file, dir / "build");
}

Value CompiledCircuit::output(const std::vector<Value>& arguments) const {
    return real_toolchain().compute_witness(program, arguments, dir / "witness").output;
}

std::vector<FieldElement> CompiledCircuit::public_inputs(const std::vector<Value>& arguments) const {
    return PublicValues::of_witness(program.abi, arguments, output(arguments));
}

ReferenceTrace check_equals_reference(const CompiledCircuit& circuit, const QuantizedModel& model, const PrivateInputOptions& options,
                                      const std::vector<std::int64_t>& input) {
    ReferenceTrace expected = run_reference(model, input);
    const std::optional<int> claim = options.claimed_class ? std::optional<int>(expected.predicted_class) : std::nullopt;
    const PrivateInputPublic out =
        decode_private_input_public(circuit.program.abi, circuit.public_inputs(private_input_arguments(model, options, input, claim)));
    CHECK(out.predicted_class == expected.predicted_class);
    CHECK(out.logits == expected.logits);
    return expected;
}

namespace {
const std::filesystem::path kSlurmScript = std::filesystem::path(ZOKML_SCRIPTS_DIR) / "slurm-cluster.sh";
}  // namespace

std::unique_ptr<SlurmCluster> SlurmCluster::start(const std::filesystem::path& dir, std::size_t nodes) {
    const auto started = detail::run_process(kSlurmScript, {"start", dir.string(), "--nodes", std::to_string(nodes)}, dir.parent_path(), "",
                                             std::chrono::minutes(2));
    if (started.exit_code == 77) return nullptr;
    if (started.exit_code != 0) throw std::runtime_error("scripts/slurm-cluster.sh start failed: " + started.out + started.err);
    return std::unique_ptr<SlurmCluster>(new SlurmCluster(dir));
}

SlurmCluster::~SlurmCluster() {
    try {
        detail::run_process(kSlurmScript, {"stop", dir_.string()}, dir_.parent_path(), "", std::chrono::minutes(1));
    } catch (...) {  // a destructor does not throw; the next start of this folder stops what is left
    }
}

detail::ProcessResult SlurmCluster::sbatch(const std::vector<std::string>& arguments, const std::filesystem::path& working_dir) const {
    std::vector<std::string> command{"SLURM_CONF=" + (dir_ / "slurm.conf").string(), "sbatch"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return detail::run_process("/usr/bin/env", command, working_dir, "", std::chrono::minutes(10));
}

}  // namespace zokml::test
