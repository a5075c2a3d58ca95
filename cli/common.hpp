// What the zokml subcommands share: exit codes, output, timed steps, option groups and the
// readers of their values.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/core/progress.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/project/folder_proof.hpp"
#include "zokml/project/calibrate.hpp"
#include "zokml/project/folder_setup.hpp"
#include "zokml/project/manifest.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/layer_report.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml::cli {

// Documented in docs/cli.md.
enum ExitCode : int {
    kOk = 0,
    kVerificationFailed = 1,  // verify printed FAILED, or build --check found stale circuits
    kUsage = 2,               // bad command-line arguments
    kBadInput = 3,            // zokml::InputError: malformed or inconsistent files, inputs out of range
    kToolchainFailed = 4,     // zokml::ToolchainError: a zokrates step failed
    kOtherError = 5,          // anything else (an I/O error, a full disk)
    kOutputClosed = 141,      // stdout's reader went away (as 128 + SIGPIPE, but after cleaning up)
};

// Thrown when a write to stdout fails with EPIPE (SIGPIPE is ignored: install_signal_cleanup):
// the command stops as on any error, its scratch folders removed, and zokml exits kOutputClosed.
struct OutputClosed : std::runtime_error {
    OutputClosed() : std::runtime_error("stdout was closed before the output ended: stopped") {}
};
// Writes text to stdout now; OutputClosed when its reader has gone, std::system_error on another failure.
void print_out(const std::string& text);

// Results go to stdout: text lines, or one JSON object with --json.
struct Output {
    bool json = false;
    void text(const std::string& text) const;             // printed now, unless --json
    void result(const nlohmann::json& result) const;      // printed now, with --json only
};

// Runs f, storing its wall-clock seconds; a long step (compile, setup, prove) shows its progress
// on stderr (StepProgress).
template <typename F>
auto timed(const std::string& step, bool long_step, double& seconds, F&& f) {
    std::optional<StepProgress> progress;
    if (long_step) progress.emplace(step);
    return zokml::timed(seconds, std::forward<F>(f));
}

// Option groups, and a subcommand's options from them.
std::vector<Option> options(std::initializer_list<std::vector<Option>> groups);
std::vector<Option> model_options();      // --model and the quantization settings (--input-bits ...)
std::vector<Option> circuit_options();    // --variant, --name and every other setting (setting_options())
std::vector<Option> zokrates_option();    // --zokrates
std::vector<Option> cache_option();       // --cache-dir
std::vector<Option> setup_options();      // --scheme, --backend, --ptau
std::vector<Option> folder_option(const std::string& help);  // --dir
std::vector<Option> prove_options();      // --input, --digit, --claim, --threshold, --proof
std::vector<Option> vk_option();          // --vk
Option salt_option();                     // --salt FILE: the model owner's salt (project/salt_file.hpp)

std::vector<Option> data_options();     // --data, --labels, --range-from-data, --range-margin
std::vector<Option> batch_options();    // --batch, --labels: a private-model circuit's public batch

QuantizationOptions quantization_from(const Args& args);
double number_from(const Args& args, const std::string& name);  // a finite number, else UsageError
// The settings: the --settings file's (else the defaults), --variant, then the flags over them
// (only the quantization's when quantization_only: other commands take other --batch-size).
CircuitSettings settings_from(const Args& args, bool quantization_only);

// --model on its labelled data (zokml::model_on_data): --data FILE (a NumPy .npy with --labels
// FILE, or a CSV or JSON batch: docs/batch-format.md), else the held-out MNIST digits; the range
// --input-min/--input-max's ("flags") or the settings file's, --range-from-data and --range-margin
// (percent, default 5) as the library's from_data and margin.
struct CommandModelOnData : ModelOnData {
    // {"min", "max", "source", "data_min", "data_max"} and "margin" for "data"
    nlohmann::json range_json() const { return range.to_json(); }
    std::string range_text() const;  // "input range [-1.1, 1.1]: the data's ..."
};
CommandModelOnData model_on_data(const Args& args, const CircuitSettings& settings);
Model model_from(const Args& args);  // --model, loaded
// The circuit the options describe, generated into folder.
CircuitSpec spec_from(const Args& args, const std::filesystem::path& folder);
Toolchain toolchain_from(const Args& args);
ArtifactStore store_from(const Args& args);
// How a folder's keys are made: --scheme, --backend and --ptau, checked together (choose_setup).
// Without --backend: `settings_backend` (the settings file's, or the circuit folder's), else
// default_setup_backend of the scheme.
SetupChoice setup_choice_from(const Args& args, std::optional<Backend> settings_backend = {});
std::filesystem::path folder_from(const Args& args);  // --dir, else the current folder
std::filesystem::path verification_key_from(const Args& args, const std::filesystem::path& folder);  // --vk, else folder's

// What to prove, from --input (a JSON array of integers, a file or - for stdin), --digit,
// --claim, --threshold and --salt (the file read: InputError naming it when missing or malformed).
ProofRequest proof_request_from(const Args& args);

// The table of a quantized model's layer_report (inspect, quantize).
std::string layer_table(const std::vector<LayerReport>& rows);


// read_json_file_or_stdin: a JSON document from a file, or from stdin for "-".
nlohmann::json read_json(const std::filesystem::path& file);
// A proof file as zokml writes it; InputError naming the file when it is not one.
Proof read_proof(const std::filesystem::path& file);
// Writes text atomically (a temporary file renamed over it), creating its folder.
void write_text(const std::filesystem::path& file, const std::string& text);

// A private folder inside parent for files that must not outlive the command (a witness).
class ScratchFolder : public TempFolder {
public:
    explicit ScratchFolder(const std::filesystem::path& parent) : TempFolder(parent, ".zokml-scratch") {}
};

std::string zokml_version();  // e.g. "0.1.0"

}  // namespace zokml::cli
