// zokml build: regenerate (and compile) the circuits of a manifest whose model or settings changed.
#include <fmt/format.h>

#include <algorithm>

#include "common.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

std::string status_text(const CircuitStatus& status, bool check) {
    if (status.up_to_date()) return "up to date";
    std::string text = fmt::format("{} ({})", check ? "stale" : "regenerated", fmt::join(status.changes, ", "));
    if (status.compile)
        text += fmt::format(", compiled: {} constraints, cache {}", status.constraints.value_or(0), to_string(*status.compile));
    return text;
}

int build(const Args& args, const Output& out) {
    args.at_most_one_of({"check", "no-compile"});
    const std::filesystem::path file = args.positional().empty() ? "zokml.json" : args.positional()[0];
    const Manifest manifest = load_manifest(file);
    const bool check = args.has("check");
    std::optional<Toolchain> toolchain;
    std::optional<ArtifactStore> store;
    if (!check && !args.has("no-compile")) {
        toolchain.emplace(toolchain_from(args));
        store.emplace(store_from(args));
    }
    const auto statuses = check ? check_manifest(manifest)
                                : build_manifest(manifest, toolchain ? &*toolchain : nullptr, store ? &*store : nullptr);
    nlohmann::json circuits = nlohmann::json::array();
    std::size_t stale = 0, width = 0;
    for (const auto& status : statuses) width = std::max(width, status.name.size());
    for (const auto& status : statuses) {
        stale += !status.up_to_date();
        nlohmann::json j = {{"name", status.name},
                            {"output", status.output.string()},
                            {"up_to_date", status.up_to_date()},
                            {"changes", status.changes},
                            {"circuit_fingerprint", status.circuit_fingerprint}};
        if (status.constraints) j["constraints"] = *status.constraints;
        if (status.compile) j["cache"] = to_string(*status.compile);
        circuits.push_back(j);
        out.text(fmt::format("{:<{}}  {}", status.name, width, status_text(status, check)));
    }
    out.text(fmt::format("{} circuit{}: {} {}, {} up to date", statuses.size(), statuses.size() == 1 ? "" : "s", stale,
                         check ? "stale" : "regenerated", statuses.size() - stale));
    out.result({{"manifest", file.string()}, {"check", check}, {"circuits", circuits}});
    return check && stale > 0 ? kVerificationFailed : kOk;
}

}  // namespace

Subcommand build_command() {
    return {"build",
            "regenerate and recompile exactly the circuits of a manifest whose model or settings changed",
            "[MANIFEST] [--check | --no-compile] [--cache-dir DIR] [--zokrates FILE]",
            "MANIFEST (default zokml.json) lists circuits: name, model, variant, options, output folder\n"
            "(docs/ci.md). Each folder's zokml.lock.json records what its sources were generated from.\n"
            "--check writes nothing and exits 1 when a folder is stale (for CI); --no-compile only generates.",
            options({{{"check", "", "only compare: exit code 1 when a circuit is stale"},
                      {"no-compile", "", "regenerate the sources but do not compile them"}},
                     cache_option(), zokrates_option()}),
            1,
            build};
}

}  // namespace zokml::cli
