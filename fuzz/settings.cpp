// A circuit's settings ({"variant", "options"}) and a manifest's circuit spec (the same with
// "name", "model" and "output"), as the manifest and lock readers take them.
#include <optional>

#include "fuzz_support.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "zokml.json");
    if (!json) return 0;
    std::optional<CircuitSettings> settings;
    fuzz::run_expecting(fuzz::kInputError, [&] { settings = CircuitSettings::from_json(*json, "zokml.json", "circuits[0]"); });
    if (settings) {
        // "The round trip loses nothing" (settings.hpp).
        fuzz::run_expecting(0, [&] {
            fuzz::require(CircuitSettings::from_json(settings->to_json(), "") == *settings, "settings JSON round trip");
            settings->check();
        });
    }
    fuzz::run_expecting(fuzz::kInputError,
                        [&] { CircuitSpec::from_json(*json, "/project", "zokml.json", "circuits[0]"); });
    return 0;
}
