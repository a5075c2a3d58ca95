// A circuit's settings: which circuit (the variant) and every option that shapes it. The single
// source of truth: the library generates from it, the command's flags, the manifest and the lock
// file read and write it, and each option's default and accepted values are defined once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/circuit/options.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

enum class Variant {
    PrivateInput,  // public model, private input, public class
    PrivateModel,  // committed private model, public labelled batch, public accuracy
    BothPrivate,   // committed private model, private input, public class
};
const std::vector<Variant>& all_variants();
std::string to_string(Variant variant);                // "private-input", "private-model", "both-private"
Variant variant_from_string(const std::string& name);  // throws std::invalid_argument listing the variants

// Held-out MNIST digits in a private-model circuit's public batch.
inline constexpr std::size_t kDefaultBatchSize = 10;

struct CircuitSettings {
    Variant variant = Variant::PrivateInput;
    QuantizationOptions quantization;
    PrivateInputOptions private_input;  // private-input only
    PrivateModelOptions private_model;  // private-model only
    BothPrivateOptions both_private;    // both-private only
    std::size_t batch_size = kDefaultBatchSize;  // private-model only
    // The float inputs' range when the model file does not give it (ONNX) or to override it.
    std::optional<InputRange> input_range;
    // Who sets the circuit up (zokml setup's default; when none, default_setup_backend of the
    // scheme); no part of the circuit.
    std::optional<Backend> backend;

    // {"variant": ..., "options": {...}, "input_range": {"min", "max"}, "activation_error" (when not 0.01), "backend"} (the range and
    // the backend when set): the
    // quantization and the variant's own options, all of them. Options of other variants are not part of a circuit's settings: check() refuses
    // settings where they differ from their defaults, so the round trip loses nothing.
    nlohmann::json to_json() const;
    // Throws InputError naming file and field (e.g. "circuits[1].options.chunk_size") for a missing,
    // mistyped, unknown or out-of-range member, or an option of another variant.
    static CircuitSettings from_json(const nlohmann::json& json, const std::filesystem::path& file,
                                     const std::string& field = "");
    // Throws InputError(file, "options.NAME", why) for a value out of range or an option of another variant.
    void check(const std::filesystem::path& file = {}, const std::string& field = "") const;

    bool operator==(const CircuitSettings&) const = default;
};

// A settings file (`zokml generate --settings FILE`, written by `zokml calibrate`):
//   {"format": "zokml-settings", "version": 1, "variant": ..., "options": {...}, "input_range": {...},
//    "backend": "snarkjs", "calibration": {...}}
// "calibration" records how calibrate chose the settings; it is for people and not read back.
// Throws InputError naming the file and field.
CircuitSettings read_settings_file(const std::filesystem::path& file);
// Writes atomically; `calibration` is stored when it is not null.
void write_settings_file(const std::filesystem::path& file, const CircuitSettings& settings,
                         const nlohmann::json& calibration = nullptr);

// One option of CircuitSettings: its JSON name (the command's flag is the same with '-' for
// '_'), what it does, the variants that take it, the values it accepts ({0, 1} for a flag) and
// where it lives in the settings.
struct SettingOption {
    std::string name;
    std::string help;
    std::vector<Variant> variants;
    Interval accepted;
    bool flag = false;
    std::function<std::int64_t(const CircuitSettings&)> get;
    std::function<void(CircuitSettings&, std::int64_t)> set;

    bool applies_to(Variant variant) const;
};
const std::vector<SettingOption>& setting_options();

}  // namespace zokml
