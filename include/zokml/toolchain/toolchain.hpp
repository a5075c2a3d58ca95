// Drives a `zokrates` command (native, or the bundled zokrates-js one) step by step.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

enum class Step { Locate, Version, Compile, UniversalSetup, Setup, ComputeWitness, GenerateProof, Verify, ExportVerifier };
std::string to_string(Step step);

// A toolchain step that did not produce its result.
class ToolchainError : public std::runtime_error {
public:
    enum class Kind {
        NotFound,     // no zokrates command could be run
        Failed,       // exit code 1: ZoKrates reported an error (message in tool_output)
        Panicked,     // exit code 101: the Rust code panicked
        Killed,       // ended by a signal (exit code 128 + signal, e.g. 137 when out of memory)
        TimedOut,     // ran longer than the step's timeout and was killed
        BadOutput,    // exit code 0 but a result is missing or malformed
    };
    // tool: the command that ran, as the message names it ("zokrates", "snarkjs").
    ToolchainError(Step step, Kind kind, int exit_code, std::string tool_output, std::string detail,
                   const std::string& tool = "zokrates");
    Step step() const { return step_; }
    Kind kind() const { return kind_; }
    int exit_code() const { return exit_code_; }
    const std::string& tool_output() const { return tool_output_; }  // stdout then stderr

private:
    Step step_;
    Kind kind_;
    int exit_code_;
    std::string tool_output_;
};

struct ToolchainOptions {
    std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // per step
    std::optional<std::filesystem::path> executable;               // else located
};

class Toolchain {
public:
    // The executable to use: options.executable, else $ZOKML_ZOKRATES, else `zokrates` on
    // PATH, else the bundled zokrates-js command. Throws ToolchainError(NotFound).
    static std::filesystem::path locate(const std::optional<std::filesystem::path>& explicit_path = {});
    static std::filesystem::path bundled();

    explicit Toolchain(ToolchainOptions options = {});

    const std::filesystem::path& executable() const { return executable_; }
    std::chrono::milliseconds timeout() const { return timeout_; }
    const std::string& version() const;  // e.g. "ZoKrates 0.8.8", asked once per executable in a process

    // Each step writes its files into out_dir (created with mode 0700 when missing).
    // with_r1cs: also out_dir/out.r1cs, the constraints in snarkjs' format (CompiledProgram::r1cs).
    CompiledProgram compile(const std::filesystem::path& main_source, const std::filesystem::path& out_dir,
                            bool with_r1cs = false) const;
    std::filesystem::path universal_setup(Scheme scheme, unsigned size_log2, const std::filesystem::path& out_dir) const;
    Keypair setup(const CompiledProgram& program, Scheme scheme, const std::filesystem::path& out_dir,
                  const std::optional<std::filesystem::path>& universal_setup_file = {}) const;
    // Arguments go to the tool as ABI JSON on stdin, never on its command line.
    Witness compute_witness(const CompiledProgram& program, const std::vector<Value>& arguments,
                            const std::filesystem::path& out_dir) const;
    Proof generate_proof(const CompiledProgram& program, const Witness& witness, const Keypair& keypair,
                         const std::filesystem::path& out_dir) const;
    // True for PASSED, false for FAILED; writes the proof to work_dir to hand it to the tool.
    // InputError (without a file name) when check_canonical refuses the proof.
    bool verify(const Keypair& keypair, const Proof& proof, const std::filesystem::path& work_dir) const;
    std::string export_verifier(const Keypair& keypair, const std::filesystem::path& out_dir) const;

private:
    std::filesystem::path executable_;
    std::chrono::milliseconds timeout_;
};

}  // namespace zokml
