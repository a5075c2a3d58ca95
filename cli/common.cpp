#include "common.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <fstream>
#include <cmath>
#include <condition_variable>
#include <iostream>
#include <iterator>
#include <mutex>
#include <system_error>
#include <thread>

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

struct ProgressLine::Ticker {
    std::string step;
    bool terminal = false;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    std::thread thread;
    double next_line_s = 5;  // not a terminal: a plain line after 5 s, then every 30 s

    void draw() {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (terminal) {
            std::fputs(fmt::format("\r{:<10} {:6.1f} s ...", step, seconds).c_str(), stderr);  // never throws in this thread
        } else if (seconds >= next_line_s) {  // a log (CI) sees a long step go on
            std::fputs(fmt::format("{:<10} {:.0f} s ...\n", step, seconds).c_str(), stderr);
            next_line_s += 30;
        }
        std::fflush(stderr);
    }
    void loop() {
        std::unique_lock lock(mutex);
        do draw();
        while (!wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; }));
        if (terminal) std::fputs("\r\033[K", stderr);  // the result line takes its place on stdout
        std::fflush(stderr);
    }
};

ProgressLine::ProgressLine(std::string step) : ticker_(new Ticker) {
    ticker_->step = std::move(step);
    ticker_->terminal = ::isatty(STDERR_FILENO) != 0;
    ticker_->thread = std::thread([t = ticker_] { t->loop(); });
}

ProgressLine::~ProgressLine() {
    {
        const std::lock_guard lock(ticker_->mutex);
        ticker_->done = true;
    }
    ticker_->wake.notify_one();
    ticker_->thread.join();
    delete ticker_;
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

LabelledData labelled_data_from(const Args& args, const Model& model) {
    if (!model.has_argmax()) throw InputError(args.required("model"), "layers", "an accuracy needs a model with an argmax head");
    if (auto file = args.get("data")) return {read_batch_file(*file, Labels::Required, args.get_or("labels", "")), *file};
    if (args.has("labels")) throw UsageError("--labels goes with a .npy --data");
    const auto& digits = held_out_digits();
    if (model.input_size != digits.at(0).pixels.size())
        throw InputError(args.required("model"), "(file)",
                         fmt::format("takes {} inputs, not MNIST digits' {}: give your labelled data with --data", model.input_size,
                                     digits.at(0).pixels.size()));
    return {digits_batch(digits), "held-out MNIST digits"};
}

// Where an input range that is not the data's comes from, for messages.
std::string range_origin(const SettledRange& range) {
    return range.given_by == "flags"               ? "--input-min/--input-max"
           : range.given_by == "settings"          ? "the settings file's"
           : range.source == RangeSource::Model    ? "the model's own"
                                                   : "the default [0, 1]";
}

}  // namespace

ModelOnData model_on_data(const Args& args, const CircuitSettings& settings) {
    args.at_most_one_of({"range-from-data", "input-min"});
    ModelOnData on;
    on.model = load_model(args.required("model"), settings.input_range);
    on.data = labelled_data_from(args, on.model);
    RangeChoice choice;
    choice.from_data = args.has("range-from-data");
    choice.given_by = args.has("input-min") ? "flags" : settings.input_range && !choice.from_data ? "settings" : "";
    choice.margin = static_cast<double>(args.integer_or("range-margin", 5, 0, 100)) / 100;
    on.range = settle_input_range(on.model, on.data.batch, choice, on.data.source);
    if (args.has("range-margin") && on.range.source != RangeSource::Data)
        throw UsageError(fmt::format("--range-margin goes with an input range taken from the data, not {}", range_origin(on.range)));
    const QuantizedModel quantized = quantize(on.model, settings.quantization);
    quantize_batch(quantized, on.data.batch, quantized.classes(), on.data.source);  // every value in range, every label a class
    return on;
}

std::string ModelOnData::range_text() const {
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
    SetupChoice choice;
    const std::string name = args.get_or("scheme", "g16");
    if (name != "g16" && name != "gm17") throw UsageError("--scheme: expected g16 or gm17, got '" + name + "'");
    choice.scheme = scheme_from_string(name);
    try {
        if (args.has("backend")) settings_backend = backend_from_string(*args.get("backend"));
        choice.backend = settings_backend.value_or(default_setup_backend(choice.scheme));
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--backend: ") + e.what());
    }
    if (choice.backend != Backend::Zokrates && choice.scheme != Scheme::G16)
        throw UsageError(fmt::format("--backend {} proves with g16 only", to_string(choice.backend)));
    if (args.has("ptau") && choice.backend != Backend::Snarkjs) throw UsageError("--ptau goes with --backend snarkjs");
    if (args.has("ptau")) choice.ptau = *args.get("ptau");
    return choice;
}

fs::path folder_from(const Args& args) { return args.get_or("dir", "."); }

fs::path verification_key_from(const Args& args, const fs::path& folder) {
    return args.get_or("vk", (keys_folder(folder) / "verification.key").string());
}

namespace {

// Whether the file starts (after white space) with '[': a JSON array, the circuit's integer input.
bool starts_as_array(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char c = 0;
    while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
    }
    return in && c == '[';
}

}  // namespace

ProofRequest proof_request_from(const Args& args) {
    args.at_most_one_of({"input", "digit"});
    ProofRequest request;
    if (auto file = args.get("input")) {
        request.input_name = *file == "-" ? fs::path("<stdin>") : fs::path(*file);
        if (*file == "-" || starts_as_array(*file))
            request.input = integer_input(read_json(*file), request.input_name);
        else
            request.float_inputs = read_batch_file(*file, Labels::None);
        if (auto index = args.integer("index", 0, kMaxCount)) {
            if (!request.float_inputs) throw UsageError("--index picks an input of a .npy, CSV or JSON batch file");
            request.input_index = static_cast<std::size_t>(*index);
        } else if (request.float_inputs && request.float_inputs->inputs.size() > 1) {
            throw UsageError(fmt::format("{} holds {} inputs: choose one with --index K", *file, request.float_inputs->inputs.size()));
        }
    } else if (args.has("index")) {
        throw UsageError("--index goes with --input");
    }
    if (auto digit = args.integer("digit", 0, 1 << 20)) request.digit = static_cast<std::size_t>(*digit);
    if (auto claim = args.integer("claim", 0, 1 << 20)) request.claimed_class = static_cast<int>(*claim);
    request.threshold = args.integer("threshold", 0, std::int64_t(1) << 40);
    if (auto file = args.get("salt")) request.salt = read_salt_file(*file);
    return request;
}

namespace {

std::string shape_text(const Shape3& shape) { return fmt::format("{}x{}x{}", shape.channels, shape.height, shape.width); }

}  // namespace

nlohmann::json layer_rows(const QuantizedModel& model) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const QuantizedLayer& layer = model.layers[l];
        const Interval values = hull(layer.bounds);
        nlohmann::json row = {{"layer", l},
                              {"kind", layer_type_name(layer.kind)},
                              {"shape", std::to_string(layer.bounds.size())},
                              {"outputs", layer.bounds.size()},
                              {"scale", layer.scale},
                              {"values", {values.lo, values.hi}},
                              {"sign_test_bits", sign_test_bits(values)}};
        const auto weighted = [&](const std::string& shape, int shift, const std::vector<std::int64_t>& weights,
                                  const std::vector<std::int64_t>& biases) {
            row["shape"] = shape;
            row["weight_shift"] = shift;
            row["weight_bits"] = signed_width(weights);
            row["bias_bits"] = signed_width(biases);
        };
        if (layer.kind == Layer::Kind::Dense)
            weighted(fmt::format("{} -> {}", layer.dense.inputs, layer.dense.outputs), layer.dense.weight_shift,
                     layer.dense.weights, layer.dense.biases);
        if (layer.kind == Layer::Kind::Conv2D)
            weighted(shape_text(layer.conv.input) + " -> " + shape_text(layer.conv.output()), layer.conv.weight_shift,
                     layer.conv.weights, layer.conv.biases);
        if (layer.kind == Layer::Kind::Add)
            row["shape"] = fmt::format("{} + {}", layer.bounds.size(),
                                       layer.add.from ? fmt::format("layer {}", *layer.add.from) : std::string("input"));
        if (layer.rescale_bits > 0) row["rescale_bits"] = layer.rescale_bits;
        if (layer.kind == Layer::Kind::Activation) {
            row["kind"] = activation_name(layer.activation.function.function);
            row["segments"] = layer.activation.slopes.size();
            row["max_error"] = layer.activation.max_error;
        }
        rows.push_back(row);
    }
    return rows;
}

std::string layer_table(const nlohmann::json& rows) {
    const auto line = [](const auto&... columns) {
        return fmt::format("{:<6}{:<8}{:<20}{:<7}{:<12}{:<9}{:<8}{:<28}{}", columns...);
    };
    std::string text = line("layer", "kind", "shape", "shift", "scale", "weights", "biases", "values", "sign-test bits");
    for (const auto& row : rows) {
        const auto column = [&](const char* key, const std::string& prefix, const std::string& suffix) {
            return row.contains(key) ? fmt::format("{}{}{}", prefix, row[key].dump(), suffix) : std::string("-");
        };
        text += '\n';
        text += line(row["layer"].get<std::size_t>(), row["kind"].get<std::string>(), row["shape"].get<std::string>(),
                             column("weight_shift", "2^", ""), fmt::format("{:.6g}", row["scale"].get<double>()),
                             column("weight_bits", "", " b"), column("bias_bits", "", " b"),
                             fmt::format("[{}, {}]", row["values"][0].get<std::int64_t>(), row["values"][1].get<std::int64_t>()),
                             row["sign_test_bits"].get<unsigned>());
        if (row.contains("rescale_bits")) text += fmt::format(" (rescaled by 2^{})", row["rescale_bits"].get<unsigned>());
        if (row.contains("max_error"))
            text += fmt::format(" ({} segments, max error {:.3g})", row["segments"].get<std::size_t>(), row["max_error"].get<double>());
    }
    return text;
}

namespace {

// The most zokml reads from stdin: a private input of a circuit's largest input (2^20 values)
// takes a few tens of MiB at most. More is refused rather than read until memory runs out.
constexpr std::size_t kMaxStdinBytes = std::size_t(64) << 20;

std::string read_stdin() {
    std::string text;
    char buffer[1 << 16];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > kMaxStdinBytes)
            throw InputError("<stdin>", "(stdin)", fmt::format("holds more than {} MiB, more than any private input or proof; zokml "
                                                               "stops reading there", kMaxStdinBytes >> 20));
    }
    return text;
}

}  // namespace

nlohmann::json read_json(const fs::path& file) {
    if (file != "-") return read_json_file(file);
    return parse_json(read_stdin(), "<stdin>");
}

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

std::optional<fs::path> keep_previous(const fs::path& path) {
    std::error_code error;
    if (!fs::exists(fs::symlink_status(path, error))) return std::nullopt;
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string stem = path.stem().string() + "-", extension = path.extension().string();
    std::uint64_t highest = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.size() <= stem.size() + extension.size() || !name.starts_with(stem) || !name.ends_with(extension)) continue;
        const std::string digits = name.substr(stem.size(), name.size() - stem.size() - extension.size());
        if (digits.size() < 19 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            highest = std::max<std::uint64_t>(highest, std::stoull(digits));
    }
    for (std::uint64_t n = highest + 1;; ++n) {  // another process may take a name first
        const fs::path kept = folder / fmt::format("{}{}{}", stem, n, extension);
        if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, kept.c_str(), RENAME_NOREPLACE) == 0) return kept;
        if (errno == ENOENT) return std::nullopt;  // gone meanwhile: nothing to keep
        if (errno != EEXIST) throw fs::filesystem_error("cannot keep the previous " + path.filename().string() + " aside", path, kept,
                                                      std::error_code(errno, std::generic_category()));
    }
}

std::string zokml_version() { return ZOKML_VERSION; }

}  // namespace zokml::cli
