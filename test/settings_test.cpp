#include <catch2/catch.hpp>

#include "zokml/core/errors.hpp"
#include "support.hpp"
#include "zokml/core/files.hpp"
#include "zokml/project/settings.hpp"

using namespace zokml;
using Catch::Contains;
using nlohmann::json;

namespace {

// Settings of the variant with every option it takes set away from its default (the largest
// accepted value, or true).
CircuitSettings everything_set(Variant variant) {
    CircuitSettings settings;
    settings.variant = variant;
    for (const auto& option : setting_options())
        if (option.applies_to(variant)) option.set(settings, option.flag ? 1 : option.accepted.hi);
    settings.backend = Backend::Snarkjs;
    return settings;
}

std::string refused_field(const json& document) {
    try {
        CircuitSettings::from_json(document, "s.json", "circuits[0]");
    } catch (const InputError& e) {
        CHECK(e.file() == "s.json");
        return e.field();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("settings round-trip through JSON with every option of every variant set", "[settings]") {
    for (const Variant variant : all_variants()) {
        INFO(to_string(variant));
        const CircuitSettings settings = everything_set(variant);
        REQUIRE_FALSE(settings == CircuitSettings{});
        CHECK(CircuitSettings::from_json(settings.to_json(), "s.json") == settings);
        CHECK(CircuitSettings::from_json(json::parse(settings.to_json().dump()), "s.json") == settings);
    }
}

TEST_CASE("settings JSON holds the variant's options only, each under its own name", "[settings]") {
    const json j = everything_set(Variant::PrivateModel).to_json();
    CHECK(j["variant"] == "private-model");
    CHECK(j["options"].contains("group_size"));
    CHECK(j["options"].contains("batch_size"));
    CHECK_FALSE(j["options"].contains("expose_logits"));
    CHECK(everything_set(Variant::PrivateInput).to_json()["options"]["hash_input"] == true);
}

TEST_CASE("the backend is written only when it is snarkjs, and an unknown one is refused naming it", "[settings]") {
    CHECK_FALSE(CircuitSettings{}.to_json().contains("backend"));
    CHECK(everything_set(Variant::PrivateInput).to_json()["backend"] == "snarkjs");
    CHECK(refused_field({{"backend", "bellman"}}) == "circuits[0].backend");
}

TEST_CASE("defaults are the option structs' own, and every default is accepted", "[settings]") {
    const CircuitSettings defaults;
    CHECK(defaults.variant == Variant::PrivateInput);
    CHECK(defaults.quantization == QuantizationOptions{});
    CHECK(defaults.private_input == PrivateInputOptions{});
    CHECK(defaults.private_model == PrivateModelOptions{});
    CHECK(defaults.both_private == BothPrivateOptions{});
    for (const Variant variant : all_variants()) {
        CircuitSettings settings;
        settings.variant = variant;
        CHECK_NOTHROW(settings.check());
        CHECK(CircuitSettings::from_json({{"variant", to_string(variant)}}, "s.json") == settings);
    }
}

TEST_CASE("a value outside an option's accepted range is refused, naming the option", "[settings]") {
    for (const auto& option : setting_options()) {
        if (option.flag) continue;
        INFO(option.name);
        const std::string variant = to_string(option.variants.front());
        CHECK(refused_field({{"variant", variant}, {"options", {{option.name, option.accepted.hi + 1}}}}) ==
              "circuits[0].options." + option.name);
        if (option.accepted.lo > 0)
            CHECK(refused_field({{"variant", variant}, {"options", {{option.name, option.accepted.lo - 1}}}}) ==
                  "circuits[0].options." + option.name);
        CircuitSettings settings;
        settings.variant = option.variants.front();
        option.set(settings, option.accepted.hi + 1);
        CHECK_THROWS_WITH(settings.check("s.json"), Contains("options." + option.name));
    }
}

TEST_CASE("an option of another variant is refused, not ignored", "[settings]") {
    CHECK(refused_field({{"variant", "private-input"}, {"options", {{"group_size", 3}}}}) == "circuits[0].options.group_size");
    CHECK(refused_field({{"variant", "both-private"}, {"options", {{"claimed_class", true}}}}) ==
          "circuits[0].options.claimed_class");
    CHECK(refused_field({{"variant", "private-input"}, {"options", {{"chunk_sise", 3}}}}) == "circuits[0].options.chunk_sise");
    CHECK(refused_field({{"variant", "public-everything"}}) == "circuits[0].variant");
    CircuitSettings settings;  // private-input
    settings.private_model.group_size = 3;
    CHECK_THROWS_WITH(settings.check(), Contains("group_size"));
}

TEST_CASE("quantization limits are those quantize() enforces", "[settings]") {
    for (const auto& option : setting_options())
        if (option.name == "input_bits") CHECK(option.accepted == QuantizationOptions::kInputBits);
        else if (option.name == "weight_bits") CHECK(option.accepted == QuantizationOptions::kWeightBits);
        else if (option.name == "activation_bits") CHECK(option.accepted == QuantizationOptions::kActivationBits);
}

TEST_CASE("an input range round-trips through settings JSON and a settings file; a range that is not one is refused",
          "[settings]") {
    CircuitSettings settings = everything_set(Variant::PrivateInput);
    settings.input_range = InputRange{-1.5, 0.1};  // 0.1 has no exact binary form: the text must round-trip it
    CHECK(CircuitSettings::from_json(json::parse(settings.to_json().dump()), "s.json") == settings);

    const test::TempDir dir;
    write_settings_file(dir.path() / "settings.json", settings, {{"data", "x.npy"}});
    CHECK(read_settings_file(dir.path() / "settings.json") == settings);

    json document = settings.to_json();
    document["input_range"] = {{"min", 1}, {"max", 1}};
    CHECK(refused_field(document) == "circuits[0].input_range");
    document["input_range"] = {{"min", 0}, {"max", "1"}};
    CHECK(refused_field(document) == "circuits[0].input_range.max");
    document["input_range"] = {{"min", 0}};
    CHECK(refused_field(document) == "circuits[0].input_range.max");
    document["input_range"] = {{"min", 0}, {"max", 1}, {"mean", 0.5}};
    CHECK(refused_field(document) == "circuits[0].input_range.mean");
    document["input_range"] = json::array({0, 1});
    CHECK(refused_field(document) == "circuits[0].input_range");
}

TEST_CASE("a settings file names its format and version and holds nothing else", "[settings]") {
    const test::TempDir dir;
    const auto refused = [&](const json& document) {
        write_file_atomically(dir.path() / "s.json", document.dump());
        try {
            read_settings_file(dir.path() / "s.json");
        } catch (const InputError& e) {
            CHECK(e.file() == dir.path() / "s.json");
            return e.field();
        }
        return std::string("(accepted)");
    };
    json good = CircuitSettings{}.to_json();
    good["format"] = "zokml-settings";
    good["version"] = 1;
    CHECK(refused(good) == "(accepted)");
    json other = good;
    other["format"] = "zokml-lock";
    CHECK(refused(other) == "format");
    other = good;
    other.erase("version");
    CHECK(refused(other) == "version");
    other = good;
    other["version"] = 2;
    CHECK(refused(other) == "version");
    other = good;
    other["model"] = "m.onnx";
    CHECK(refused(other) == "model");
    other = good;
    other["options"]["weight_bits"] = 1;
    CHECK(refused(other) == "options.weight_bits");
    write_file_atomically(dir.path() / "t.json", "{\"format\": ");
    CHECK_THROWS_AS(read_settings_file(dir.path() / "t.json"), InputError);
}
