#include "common.hpp"

#include <fmt/format.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iterator>
#include <system_error>

#include "zokml/backend/backends.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/inputs.hpp"
#include "zokml/data/mnist.hpp"

namespace zokml::cli {

namespace fs = std::filesystem;

void print_out(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0) return;
    if (errno == EPIPE) throw OutputClosed();
    throw std::system_error(errno, std::generic_category(), "cannot write to stdout");
}

void Output::text(const std::string& text) const {
    if (!json) print_out(text + "\n");
}

void Output::result(const nlohmann::json& result) const {
    if (json) print_out(dump_json(result, 2) + "\n");
}

std::vector<Option> options(std::initializer_list<std::vector<Option>> groups) {
    std::vector<Option> all;
    for (const auto& group : groups) all.insert(all.end(), group.begin(), group.end());
    return all;
}

namespace {

std::string flag_name(const std::string& setting) {
    std::string flag = setting;
    std::replace(flag.begin(), flag.end(), '_', '-');
    return flag;
}

// The command-line option of a setting: its help names its default and the variants that take it.
Option setting_flag(const SettingOption& setting) {
    const CircuitSettings defaults;
    std::string help = setting.help;
    if (setting.variants.size() < all_variants().size()) {
        std::vector<std::string> names;
        for (const auto v : setting.variants) names.push_back(to_string(v));
        help = fmt::format("{}: {}", fmt::join(names, ", "), help);
    }
    if (!setting.flag) help += fmt::format(" ({} to {}, default {})", setting.accepted.lo, setting.accepted.hi, setting.get(defaults));
    return {flag_name(setting.name), setting.flag ? "" : "N", help};
}

bool is_quantization(const SettingOption& setting) {
    return setting.name == "input_bits" || setting.name == "weight_bits" || setting.name == "activation_bits";
}

// The settings given as flags, onto `settings` (whose variant is decided).
void apply_setting_flags(const Args& args, CircuitSettings& settings, bool quantization_only) {
    for (const auto& setting : setting_options()) {
        if (quantization_only && !is_quantization(setting)) continue;
        const std::string flag = flag_name(setting.name);
        if (!args.has(flag)) continue;
        if (!setting.applies_to(settings.variant))
            throw UsageError(fmt::format("--{} is not an option of --variant {}", flag, to_string(settings.variant)));
        setting.set(settings, setting.flag ? 1 : *args.integer(flag, setting.accepted.lo, setting.accepted.hi));
    }
}

}  // namespace

double number_from(const Args& args, const std::string& name) {
    const std::string text = args.required(name);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value))
        throw UsageError(fmt::format("--{}: expected a finite number, got '{}'", name, text));
    return value;
}

CircuitSettings settings_from(const Args& args, bool quantization_only) {
    CircuitSettings settings = args.has("settings") ? read_settings_file(args.required("settings")) : CircuitSettings{};
    if (auto variant = args.get("variant")) try {
            settings.variant = variant_from_string(*variant);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--variant: ") + e.what());
        }
    apply_setting_flags(args, settings, quantization_only);
    if (args.has("input-min") != args.has("input-max")) throw UsageError("--input-min and --input-max go together");
    if (args.has("input-min")) {
        settings.input_range = InputRange{number_from(args, "input-min"), number_from(args, "input-max")};
        if (!(settings.input_range->min < settings.input_range->max))
            throw UsageError("--input-min must be below --input-max");
    }
    if (args.has("activation-error")) {
        settings.quantization.activation_error = number_from(args, "activation-error");
        const double error = settings.quantization.activation_error;
        if (!(error >= QuantizationOptions::kMinActivationError && error <= QuantizationOptions::kMaxActivationError))
            throw UsageError(fmt::format("--activation-error: expected {} to {}", QuantizationOptions::kMinActivationError,
                                         QuantizationOptions::kMaxActivationError));
    }
    return settings;
}

std::vector<Option> model_options() {
    std::vector<Option> list = {
        {"model", "FILE", "the float model: ONNX or zokml's JSON format (docs/model-format.md), told apart by content"},
        {"settings", "FILE", "a settings file (zokml calibrate writes one): the circuit's options; flags override it"},
        {"input-min", "X", "the float inputs' smallest value (ONNX files do not record it: default 0)"},
        {"input-max", "X", "the float inputs' largest value (default 1 for ONNX; a JSON model's own)"},
        {"activation-error", "E", "the largest error of a Sigmoid, Tanh, SiLU or GELU layer's approximation (default 0.01)"}};
    for (const auto& setting : setting_options())
        if (is_quantization(setting)) list.push_back(setting_flag(setting));
    return list;
}

std::vector<Option> circuit_options() {
    std::vector<std::string> variants;
    for (const auto v : all_variants()) variants.push_back(to_string(v));
    std::vector<Option> list = {{"variant", "V", fmt::format("the circuit: {} (default {})", fmt::join(variants, ", "), variants[0])},
                                {"name", "NAME", "what the circuit is called (default: the model file's name)"}};
    for (const auto& setting : setting_options())
        if (!is_quantization(setting)) list.push_back(setting_flag(setting));
    return list;
}

std::vector<Option> zokrates_option() {
    return {{"zokrates", "FILE", "the zokrates command (default: $ZOKML_ZOKRATES, zokrates on PATH, the bundled one)"},
            {"timeout", "SECONDS",
             fmt::format("stop a toolchain step that runs longer (default {})",
                         std::chrono::duration_cast<std::chrono::seconds>(ToolchainOptions{}.timeout).count())}};
}

std::vector<Option> cache_option() {
    return {{"cache-dir", "DIR", "the artifact cache (default: $ZOKML_CACHE_DIR, else ~/.cache/zokml)"}};
}

std::vector<Option> setup_options() {
    return {{"scheme", "S", "the proving scheme: g16 (default) or gm17 (zokrates only)"},
            {"backend", "B", "who sets up and proves: native (default for g16: zokml's own multi-threaded prover and setup), zokrates or snarkjs (docs/toolchain.md#backends)"},
            {"ptau", "FILE", "snarkjs: a public ceremony's powers-of-tau file (default: zokml's own, single-party)"}};
}

std::vector<Option> folder_option(const std::string& help) { return {{"dir", "DIR", help}}; }

std::vector<Option> prove_options() {
    return {{"input", "FILE",
             "private-input, both-private: the private input: a JSON array of the circuit's integers (- reads stdin), "
             "or float inputs as the model takes them in a NumPy .npy, CSV or JSON batch file (docs/batch-format.md)"},
            {"index", "K", "with a batch file holding several inputs: prove input K (from 0)"},
            {"digit", "N", "private-input, both-private: held-out MNIST digit N as the private input"},
            {"claim", "C", "private-input with --claimed-class: the public claimed class"},
            {"threshold", "T", "private-model: the public accuracy threshold (default: the model's correct count)"},
            salt_option(),
            {"proof", "FILE", "where to write the proof (default: DIR/proof.json); a proof already there is kept as STEM-N.json"}};
}

Option salt_option() {
    return {"salt", "FILE", "private-model, both-private: the model owner's salt file (zokml commit --salt FILE wrote it)"};
}

std::vector<Option> vk_option() {
    return {{"vk", "FILE", "the verification key (default: DIR/keys/verification.key)"}};
}

std::vector<Option> data_options() {
    return {{"data", "FILE", "labelled float inputs: a NumPy .npy (with --labels), CSV or JSON batch (docs/batch-format.md); "
                             "default: the held-out MNIST digits"},
            {"labels", "FILE", "with a .npy --data: the labels, a NumPy .npy of integers"},
            {"range-from-data", "", "take the model's input range from the data (its smallest and largest value, widened by "
                                    "--range-margin); the default for a model that states none (ONNX) when the data leaves [0, 1]"},
            {"range-margin", "P", "the range taken from the data is widened by P percent of the data's span on each side (default 5)"}};
}

std::vector<Option> batch_options() {
    return {{"batch", "FILE",
             "private-model: the public labelled batch, a NumPy .npy (with --labels), CSV or JSON batch file "
             "(docs/batch-format.md); default: --batch-size held-out MNIST digits"},
            {"labels", "FILE", "with a .npy --batch: its labels, a NumPy .npy of integers"}};
}

namespace {

// Where an input range that is not the data's comes from, for messages.
std::string range_origin(const SettledRange& range) {
    return range.given_by == "flags"               ? "--input-min/--input-max"
           : range.given_by == "settings"          ? "the settings file's"
           : range.source == RangeSource::Model    ? "the model's own"
                                                   : "the default [0, 1]";
}

}  // namespace

CommandModelOnData model_on_data(const Args& args, const CircuitSettings& settings) {
    args.at_most_one_of({"range-from-data", "input-min"});
    std::optional<LabelledData> data;
    if (auto file = args.get("data")) data = LabelledData{read_batch_file(*file, Labels::Required, args.get_or("labels", "")), *file};
    else if (args.has("labels")) throw UsageError("--labels goes with a .npy --data");
    const double margin = static_cast<double>(args.integer_or("range-margin", 5, 0, 100)) / 100;
    CommandModelOnData on{zokml::model_on_data(load_model(args.required("model"), settings.input_range), std::move(data), settings,
                                               args.required("model"), args.has("range-from-data"), margin,
                                               args.has("input-min") ? "flags" : "settings")};
    if (args.has("range-margin") && on.range.source != RangeSource::Data)
        throw UsageError(fmt::format("--range-margin goes with an input range taken from the data, not {}", range_origin(on.range)));
    return on;
}

std::string CommandModelOnData::range_text() const {
    const std::string bounds = fmt::format("input range [{}, {}]", model.input_min, model.input_max);
    const std::string span = fmt::format("the data spans [{:.6g}, {:.6g}]", range.data_span.min, range.data_span.max);
    if (range.source == RangeSource::Data)
        return fmt::format("{}: taken from the data ({}, widened by {}% of that on each side and rounded outward)", bounds, span,
                           100 * range.margin);
    if (range.source == RangeSource::Default)
        return fmt::format("{}: the model states none (ONNX), the default holds the data ({}); --input-min/--input-max "
                           "declare the range it was trained on, --range-from-data takes the data's",
                           bounds, span);
    return fmt::format("{}: {} ({})", bounds, range_origin(range), span);
}

QuantizationOptions quantization_from(const Args& args) { return settings_from(args, true).quantization; }

Model model_from(const Args& args) { return load_model(args.required("model"), settings_from(args, true).input_range); }

CircuitSpec spec_from(const Args& args, const fs::path& folder) {
    CircuitSpec spec;
    spec.model = args.required("model");
    spec.output = folder;
    spec.name = args.get_or("name", spec.model.stem().string());
    spec.settings = settings_from(args, false);
    if (auto batch = args.get("batch")) {
        if (spec.settings.variant != Variant::PrivateModel) throw UsageError("--batch: only private-model circuits take a batch");
        if (args.has("batch-size")) throw UsageError("--batch and --batch-size exclude each other");
        spec.batch = *batch;
        if (auto labels = args.get("labels")) spec.batch_labels = *labels;
    } else if (args.has("labels")) {
        throw UsageError("--labels goes with a .npy --batch");
    }
    return spec;
}

Toolchain toolchain_from(const Args& args) {
    ToolchainOptions options;
    if (auto path = args.get("zokrates")) options.executable = *path;
    if (auto seconds = args.integer("timeout", 1, 7 * 24 * 3600)) options.timeout = std::chrono::seconds(*seconds);
    return Toolchain(options);
}

ArtifactStore store_from(const Args& args) {
    if (auto dir = args.get("cache-dir")) return ArtifactStore(*dir);
    return ArtifactStore();
}

SetupChoice setup_choice_from(const Args& args, std::optional<Backend> settings_backend) {
    const std::string name = args.get_or("scheme", "g16");
    if (name != "g16" && name != "gm17") throw UsageError("--scheme: expected g16 or gm17, got '" + name + "'");
    std::optional<Backend> given;
    try {
        if (args.has("backend")) given = backend_from_string(*args.get("backend"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--backend: ") + e.what());
    }
    std::optional<fs::path> ptau;
    if (auto file = args.get("ptau")) ptau = *file;
    try {
        return choose_setup(scheme_from_string(name), given, settings_backend, ptau);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

fs::path folder_from(const Args& args) { return args.get_or("dir", "."); }

fs::path verification_key_from(const Args& args, const fs::path& folder) {
    return args.get_or("vk", (verification_key_file(folder)).string());
}

ProofRequest proof_request_from(const Args& args) {
    args.at_most_one_of({"input", "digit"});
    ProofRequest request;
    if (auto file = args.get("input")) {
        std::optional<std::size_t> index;
        if (auto k = args.integer("index", 0, kMaxCount)) index = static_cast<std::size_t>(*k);
        try {
            std::visit([&](auto&& given) { request.input = std::move(given); }, read_proof_input(*file, index));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--index: ") + e.what());
        }
    } else if (args.has("index")) {
        throw UsageError("--index goes with --input");
    }
    if (auto digit = args.integer("digit", 0, 1 << 20)) request.input = HeldOutDigit{static_cast<std::size_t>(*digit)};
    if (auto claim = args.integer("claim", 0, 1 << 20)) request.claimed_class = static_cast<int>(*claim);
    request.threshold = args.integer("threshold", 0, std::int64_t(1) << 40);
    if (auto file = args.get("salt")) request.salt = read_salt_file(*file);
    return request;
}

std::string layer_table(const std::vector<LayerReport>& rows) {
    const auto line = [](const auto&... columns) {
        return fmt::format("{:<6}{:<8}{:<20}{:<7}{:<12}{:<9}{:<8}{:<28}{}", columns...);
    };
    const auto column = [](const auto& value, const std::string& prefix, const std::string& suffix) {
        return value ? fmt::format("{}{}{}", prefix, *value, suffix) : std::string("-");
    };
    std::string text = line("layer", "kind", "shape", "shift", "scale", "weights", "biases", "values", "sign-test bits");
    for (const LayerReport& row : rows) {
        text += '\n';
        text += line(row.layer, row.kind, row.shape, column(row.weight_shift, "2^", ""), fmt::format("{:.6g}", row.scale),
                     column(row.weight_bits, "", " b"), column(row.bias_bits, "", " b"), fmt::format("[{}, {}]", row.values.lo, row.values.hi),
                     row.sign_test_bits);
        if (row.rescale_bits) text += fmt::format(" (rescaled by 2^{})", *row.rescale_bits);
        if (row.max_error) text += fmt::format(" ({} segments, max error {:.3g})", *row.segments, *row.max_error);
    }
    return text;
}

nlohmann::json read_json(const fs::path& file) { return read_json_file_or_stdin(file); }

Proof read_proof(const fs::path& file) {
    try {
        return Proof::from_json(read_json(file));
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(file, "(file)", std::string("not a proof: ") + e.what());
    }
}

void write_text(const fs::path& file, const std::string& text) {
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    write_file_atomically(file, text);
}

std::string zokml_version() { return ZOKML_VERSION; }

}  // namespace zokml::cli
