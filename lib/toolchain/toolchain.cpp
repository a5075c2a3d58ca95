#include "zokml/toolchain/toolchain.hpp"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <system_error>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/installation.hpp"
#include "zokml/core/json.hpp"
#include "subprocess.hpp"
#include "tool_step.hpp"

namespace zokml {

namespace fs = std::filesystem;

std::string to_string(Step step) {
    switch (step) {
        case Step::Locate: return "locate";
        case Step::Version: return "version";
        case Step::Compile: return "compile";
        case Step::UniversalSetup: return "universal-setup";
        case Step::Setup: return "setup";
        case Step::ComputeWitness: return "compute-witness";
        case Step::GenerateProof: return "generate-proof";
        case Step::Verify: return "verify";
        case Step::ExportVerifier: return "export-verifier";
    }
    return "?";
}

ToolchainError::ToolchainError(Step step, Kind kind, int exit_code, std::string tool_output, std::string detail,
                               const std::string& tool)
    : std::runtime_error(tool + " " + to_string(step) + ": " + detail), step_(step), kind_(kind),
      exit_code_(exit_code), tool_output_(std::move(tool_output)) {}

namespace {

// Never throws: a folder on PATH that cannot be searched (another user's) holds no executable for us.
bool is_executable(const fs::path& path) {
    std::error_code error;
    return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<fs::path> find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return std::nullopt;
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && is_executable(fs::path(dir) / name)) return fs::path(dir) / name;
    return std::nullopt;
}

// A folder inside out_dir where one step writes its files; they are moved into out_dir
// only when the step succeeded, and the folder is removed in every case.
class Staging {
public:
    explicit Staging(const fs::path& out_dir) : out_dir_(fs::absolute(out_dir)), folder_(out_dir_, ".staging") {}

    const fs::path& dir() const { return folder_.path(); }
    fs::path path(const std::string& name) const { return folder_ / name; }
    // Moves a finished file into out_dir and returns its final path.
    fs::path publish(const std::string& name) const {
        fs::rename(folder_ / name, out_dir_ / name);
        return out_dir_ / name;
    }

private:
    fs::path out_dir_;
    TempFolder folder_;
};

}  // namespace

// An installed zokml keeps the command in <prefix>/share/zokml/tools (installation_dir(): as
// registered by the application's find_package, or beside the running zokml command); a build
// tree uses the source tree's tools/zokrates; else the install prefix configured at build time.
fs::path Toolchain::bundled() {
    std::vector<fs::path> candidates;
    if (const auto installed = installation_dir()) candidates.push_back(*installed / "tools" / "zokrates");
    candidates.push_back(ZOKML_BUNDLED_ZOKRATES);
#ifdef ZOKML_INSTALLED_ZOKRATES
    candidates.push_back(ZOKML_INSTALLED_ZOKRATES);
#endif
    for (const auto& candidate : candidates)
        if (is_executable(candidate)) return candidate;
    return ZOKML_BUNDLED_ZOKRATES;  // missing: locate() says so
}

fs::path Toolchain::locate(const std::optional<fs::path>& explicit_path) {
    const auto not_found = [](const std::string& why) {
        return ToolchainError(Step::Locate, ToolchainError::Kind::NotFound, -1, "", why);
    };
    if (explicit_path) {
        if (!is_executable(*explicit_path)) throw not_found(explicit_path->string() + " is not an executable file");
        return *explicit_path;
    }
    if (const char* env = std::getenv("ZOKML_ZOKRATES"); env && *env) {
        if (!is_executable(env)) throw not_found(std::string("ZOKML_ZOKRATES=") + env + " is not an executable file");
        return env;
    }
    if (auto native = find_on_path("zokrates")) return *native;
    if (is_executable(bundled())) return bundled();
    throw not_found("no zokrates on PATH and the bundled command " + bundled().string() +
                    " is missing; run scripts/setup.sh or set ZOKML_ZOKRATES");
}

Toolchain::Toolchain(ToolchainOptions options)
    : executable_(locate(options.executable)), timeout_(options.timeout) {}

namespace {

ToolchainError bad_output(Step step, const std::string& output, const std::string& detail) {
    return ToolchainError(step, ToolchainError::Kind::BadOutput, 0, output, detail);
}

nlohmann::json read_json(Step step, const fs::path& file, const std::string& output) {
    if (!fs::exists(file)) throw bad_output(step, output, "did not write " + file.filename().string());
    try {
        return parse_json(read_file(file), file);
    } catch (const InputError& e) {
        throw bad_output(step, output, e.what());
    }
}

// A JSON file the step wrote, read as a T (T::from_json throws std::invalid_argument): BadOutput otherwise.
template <typename T>
T read_result(Step step, const fs::path& file, const std::string& output) {
    try {
        return T::from_json(read_json(step, file, output));
    } catch (const std::invalid_argument& e) {
        throw bad_output(step, output, file.filename().string() + ": " + e.what());
    }
}

void require_file(Step step, const fs::path& file, const std::string& output) {
    if (!fs::exists(file) || fs::file_size(file) == 0)
        throw bad_output(step, output, "did not write " + file.filename().string());
}

}  // namespace

const std::string& Toolchain::version() const {
    // Asked once per executable in a process: it names the toolchain in every cache key.
    static std::mutex mutex;
    static std::map<fs::path, std::string> versions;
    const std::lock_guard guard(mutex);
    if (const auto known = versions.find(executable_); known != versions.end()) return known->second;
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::Version, {"--version"}, fs::current_path());
    const std::string line = detail::last_line(out);
    if (line.rfind("ZoKrates ", 0) != 0) throw bad_output(Step::Version, out, "unexpected version line '" + line + "'");
    return versions.emplace(executable_, line).first->second;
}

CompiledProgram Toolchain::compile(const fs::path& main_source, const fs::path& out_dir, bool with_r1cs) const {
    const Staging staging(out_dir);
    std::vector<std::string> args = {"compile", "-i", fs::absolute(main_source).string(), "-o", "out", "-s", "abi.json"};
    if (with_r1cs) args.insert(args.end(), {"-r", "out.r1cs"});
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::Compile, args, staging.dir());
    static const std::regex constraints_line(R"(Number of constraints: (\d+))");
    std::smatch m;
    if (!std::regex_search(out, m, constraints_line)) throw bad_output(Step::Compile, out, "no constraint count printed");
    require_file(Step::Compile, staging.path("out"), out);
    CompiledProgram program;
    program.constraints = std::stoull(m[1]);
    program.abi = read_result<Abi>(Step::Compile, staging.path("abi.json"), out);
    if (with_r1cs) require_file(Step::Compile, staging.path("out.r1cs"), out);
    program.program = staging.publish("out");
    program.abi_file = staging.publish("abi.json");
    if (with_r1cs) program.r1cs = staging.publish("out.r1cs");
    return program;
}

fs::path Toolchain::universal_setup(Scheme scheme, unsigned size_log2, const fs::path& out_dir) const {
    const Staging staging(out_dir);
    const std::string name = "universal_setup.dat";
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::UniversalSetup,
                                     {"universal-setup", "-s", to_string(scheme), "-n", std::to_string(size_log2), "-u", name},
                                     staging.dir());
    require_file(Step::UniversalSetup, staging.path(name), out);
    return staging.publish(name);
}

Keypair Toolchain::setup(const CompiledProgram& program, Scheme scheme, const fs::path& out_dir,
                         const std::optional<fs::path>& universal_setup_file) const {
    const Staging staging(out_dir);
    std::vector<std::string> args = {"setup", "-i", fs::absolute(program.program).string(), "-p", "proving.key",
                                     "-v", "verification.key", "-s", to_string(scheme)};
    if (universal_setup_file) args.insert(args.end(), {"-u", fs::absolute(*universal_setup_file).string()});
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::Setup, args, staging.dir());
    require_file(Step::Setup, staging.path("proving.key"), out);
    Keypair keypair;
    keypair.scheme = scheme;
    keypair.verification_key = read_result<VerificationKey>(Step::Setup, staging.path("verification.key"), out);
    keypair.proving_key = staging.publish("proving.key");
    keypair.verification_key_file = staging.publish("verification.key");
    return keypair;
}

Witness Toolchain::compute_witness(const CompiledProgram& program, const std::vector<Value>& arguments,
                                   const fs::path& out_dir) const {
    const std::string encoded = encode_arguments(program.abi, arguments).dump();
    const Staging staging(out_dir);
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::ComputeWitness,
                                     {"compute-witness", "-i", fs::absolute(program.program).string(), "-s",
                                      fs::absolute(program.abi_file).string(), "-o", "witness", "--abi", "--stdin",
                                      "--verbose"},
                                     staging.dir(), encoded);
    // ZoKrates prints "Witness: " and, on the next line, main's return value as JSON.
    static const std::regex witness_block(R"(Witness: *\r?\n([^\n]*))");
    std::smatch m;
    if (!std::regex_search(out, m, witness_block)) throw bad_output(Step::ComputeWitness, out, "no witness output printed");
    require_file(Step::ComputeWitness, staging.path("witness"), out);
    Witness witness;
    try {
        witness.output = decode_value(program.abi.output, nlohmann::json::parse(m[1].str()));
    } catch (const std::exception& e) {
        throw bad_output(Step::ComputeWitness, out, std::string("malformed witness output: ") + e.what());
    }
    witness.file = staging.publish("witness");
    return witness;
}

Proof Toolchain::generate_proof(const CompiledProgram& program, const Witness& witness, const Keypair& keypair,
                                const fs::path& out_dir) const {
    const Staging staging(out_dir);
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::GenerateProof,
                                     {"generate-proof", "-i", fs::absolute(program.program).string(), "-w",
                                      fs::absolute(witness.file).string(), "-p", fs::absolute(keypair.proving_key).string(),
                                      "-j", "proof.json", "-s", to_string(keypair.scheme)},
                                     staging.dir());
    Proof proof = read_result<Proof>(Step::GenerateProof, staging.path("proof.json"), out);
    staging.publish("proof.json");
    return proof;
}

bool Toolchain::verify(const Keypair& keypair, const Proof& proof, const fs::path& work_dir) const {
    check_canonical(proof, keypair.verification_key, {});  // ZoKrates panics on some non-canonical proofs, accepts others
    const Staging staging(work_dir);
    write_file_atomically(staging.path("proof.json"), proof.to_json().dump(2));
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::Verify,
                                     {"verify", "-v", fs::absolute(keypair.verification_key_file).string(), "-j",
                                      "proof.json"},
                                     staging.dir());
    const std::string verdict = detail::last_line(out);
    if (verdict.find("PASSED") != std::string::npos) return true;
    if (verdict.find("FAILED") != std::string::npos) return false;
    throw bad_output(Step::Verify, out, "neither PASSED nor FAILED printed");
}

std::string Toolchain::export_verifier(const Keypair& keypair, const fs::path& out_dir) const {
    const Staging staging(out_dir);
    const std::string out = detail::run_step("zokrates", executable_, timeout_, Step::ExportVerifier,
                                     {"export-verifier", "-i", fs::absolute(keypair.verification_key_file).string(),
                                      "-o", "verifier.sol"},
                                     staging.dir());
    require_file(Step::ExportVerifier, staging.path("verifier.sol"), out);
    return read_file(staging.publish("verifier.sol"));
}

}  // namespace zokml
