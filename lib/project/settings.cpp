#include "zokml/project/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "json_fields.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"

namespace zokml {
namespace {

using nlohmann::json;
constexpr Variant kPrivateInput = Variant::PrivateInput, kPrivateModel = Variant::PrivateModel,
                  kBothPrivate = Variant::BothPrivate;

// The chunk size of whichever circuit the settings describe (const or not).
template <typename Settings>
auto& chunk_size(Settings& s) {
    if (s.variant == Variant::PrivateInput) return s.private_input.chunk_size;
    return s.variant == Variant::PrivateModel ? s.private_model.chunk_size : s.both_private.chunk_size;
}

// An option kept in the member that `member(settings)` refers to (a generic lambda: const or not).
template <typename Member>
SettingOption option(std::string name, std::string help, std::vector<Variant> variants, Interval accepted, Member member) {
    using T = std::remove_reference_t<decltype(member(std::declval<CircuitSettings&>()))>;
    return {std::move(name),
            std::move(help),
            std::move(variants),
            accepted,
            std::is_same_v<T, bool>,
            [member](const CircuitSettings& s) { return static_cast<std::int64_t>(member(s)); },
            [member](CircuitSettings& s, std::int64_t v) { member(s) = static_cast<T>(v); }};
}

std::vector<SettingOption> make_options() {
    const std::vector<Variant> all = all_variants();
    const Interval flag{0, 1};
    return {
        option("input_bits", "inputs are integers of N bits", all, QuantizationOptions::kInputBits,
                         [](auto& s) -> auto& { return s.quantization.input_bits; }),
        option("weight_bits", "each layer's largest weight takes N bits with sign", all,
                         QuantizationOptions::kWeightBits, [](auto& s) -> auto& { return s.quantization.weight_bits; }),
        option("activation_bits", "rescale activations before a ReLU to N signed bits (0: never)", all,
                         QuantizationOptions::kActivationBits,
                         [](auto& s) -> auto& { return s.quantization.activation_bits; }),
        option("chunk_size", "inputs per chunk module", all, kModuleSizes,
                            [](auto& s) -> auto& { return chunk_size(s); }),
        option("expose_logits", "also make the logits public", {kPrivateInput}, flag,
                     [](auto& s) -> auto& { return s.private_input.expose_logits; }),
        option("claimed_class", "take a public claimed class and prove the prediction equals it", {kPrivateInput},
                     flag, [](auto& s) -> auto& { return s.private_input.claimed_class; }),
        option("hash_input", "make the input's Poseidon hash public (docs/commitment.md)", {kPrivateInput}, flag,
                     [](auto& s) -> auto& { return s.private_input.hash_input; }),
        option("group_size", "batch inputs per classification module", {kPrivateModel}, kModuleSizes,
                            [](auto& s) -> auto& { return s.private_model.group_size; }),
        option("batch_size", "held-out MNIST digits in the public batch", {kPrivateModel}, kModuleSizes,
                            [](auto& s) -> auto& { return s.batch_size; }),
    };
}

std::string variant_names() {
    std::vector<std::string> names;
    for (const auto v : all_variants()) names.push_back(to_string(v));
    return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

const std::vector<Variant>& all_variants() {
    static const std::vector<Variant> variants = {kPrivateInput, kPrivateModel, kBothPrivate};
    return variants;
}

std::string to_string(Variant variant) {
    switch (variant) {
        case Variant::PrivateInput: return "private-input";
        case Variant::PrivateModel: return "private-model";
        case Variant::BothPrivate: return "both-private";
    }
    return "?";
}

Variant variant_from_string(const std::string& name) {
    for (const auto v : all_variants())
        if (to_string(v) == name) return v;
    throw std::invalid_argument(fmt::format("unknown variant '{}' (expected one of: {})", name, variant_names()));
}

bool SettingOption::applies_to(Variant variant) const {
    return std::find(variants.begin(), variants.end(), variant) != variants.end();
}

const std::vector<SettingOption>& setting_options() {
    static const std::vector<SettingOption> options = make_options();
    return options;
}

json CircuitSettings::to_json() const {
    json options = json::object();
    for (const auto& o : setting_options()) {
        if (!o.applies_to(variant)) continue;
        const std::int64_t value = o.get(*this);
        options[o.name] = o.flag ? json(value != 0) : json(value);
    }
    json j = {{"variant", zokml::to_string(variant)}, {"options", options}};
    if (input_range) j["input_range"] = {{"min", input_range->min}, {"max", input_range->max}};
    if (quantization.activation_error != QuantizationOptions{}.activation_error) j["activation_error"] = quantization.activation_error;
    if (backend) j["backend"] = zokml::to_string(*backend);
    return j;
}

void CircuitSettings::check(const std::filesystem::path& file, const std::string& field) const {
    if (input_range) check_input_range(*input_range, file, field.empty() ? "input_range" : field + ".input_range");
    const double error = quantization.activation_error;
    if (!(error >= QuantizationOptions::kMinActivationError && error <= QuantizationOptions::kMaxActivationError))
        throw InputError(file, field.empty() ? "activation_error" : field + ".activation_error",
                         fmt::format("is {}, expected {} to {}", error, QuantizationOptions::kMinActivationError,
                                     QuantizationOptions::kMaxActivationError));
    const std::string prefix = field.empty() ? "options." : field + ".options.";
    CircuitSettings defaults;
    defaults.variant = variant;
    for (const auto& o : setting_options()) {
        const std::int64_t value = o.get(*this);
        if (!o.applies_to(variant)) {
            if (value != o.get(defaults))
                throw InputError(file, prefix + o.name, fmt::format("is an option of other circuits than {}", zokml::to_string(variant)));
        } else if (value < o.accepted.lo || value > o.accepted.hi) {
            throw InputError(file, prefix + o.name, fmt::format("is {}, expected {} to {}", value, o.accepted.lo, o.accepted.hi));
        }
    }
}

CircuitSettings CircuitSettings::from_json(const json& json, const std::filesystem::path& file, const std::string& field) {
    const detail::Fields fields(json, file, field);
    CircuitSettings settings;
    try {
        settings.variant = variant_from_string(fields.text_or("variant", "private-input"));
    } catch (const std::invalid_argument& e) {
        fields.fail("variant", e.what());
    }
    if (fields.find("backend")) settings.backend = fields.parsed("backend", backend_from_string);
    if (fields.find("input_range")) {
        const detail::Fields range = fields.member("input_range");
        range.only({"min", "max"});
        settings.input_range = InputRange{range.number("min"), range.number("max")};
        check_input_range(*settings.input_range, file, fields.path("input_range"));
    }
    if (fields.find("activation_error")) settings.quantization.activation_error = fields.number("activation_error");
    static const nlohmann::json no_options = nlohmann::json::object();
    const nlohmann::json* given = fields.find("options");
    const detail::Fields options(given ? *given : no_options, file, fields.path("options"));
    std::vector<std::string> known;
    for (const auto& o : setting_options()) {
        if (!o.applies_to(settings.variant)) continue;
        known.push_back(o.name);
        if (!options.find(o.name)) continue;
        if (o.flag) {
            o.set(settings, options.flag(o.name, false));
        } else {
            const auto lo = static_cast<std::size_t>(o.accepted.lo), hi = static_cast<std::size_t>(o.accepted.hi);
            o.set(settings, static_cast<std::int64_t>(options.count(o.name, 0, lo, hi)));
        }
    }
    for (const auto& [key, value] : (given ? *given : no_options).items())
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            const bool elsewhere = std::any_of(setting_options().begin(), setting_options().end(),
                                               [&](const SettingOption& o) { return o.name == key; });
            options.fail(key, elsewhere ? fmt::format("is not an option of {} circuits", zokml::to_string(settings.variant))
                                        : fmt::format("unknown option (expected one of: {})", fmt::join(known, ", ")));
        }
    return settings;
}

namespace {
constexpr const char* kSettingsFormat = "zokml-settings";
}  // namespace

CircuitSettings read_settings_file(const std::filesystem::path& file) {
    const json j = read_json_file(file);
    const detail::Fields fields(j, file, "");
    fields.only({"format", "version", "variant", "options", "input_range", "activation_error", "backend", "calibration"});
    if (fields.text("format") != kSettingsFormat) fields.fail("format", fmt::format("expected \"{}\"", kSettingsFormat));
    if (!fields.find("version")) fields.fail("version", "missing");
    fields.count("version", 0, 1, 1);  // 1, the only version
    CircuitSettings settings = CircuitSettings::from_json(j, file);
    settings.check(file);
    return settings;
}

void write_settings_file(const std::filesystem::path& file, const CircuitSettings& settings, const json& calibration) {
    json j = {{"format", kSettingsFormat}, {"version", 1}};
    j.update(settings.to_json());
    if (!calibration.is_null()) j["calibration"] = calibration;
    write_file_atomically(file, dump_json(j, 2) + "\n");
}

}  // namespace zokml
