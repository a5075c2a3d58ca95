// A manifest (zokml.json) of many circuit folders, regenerated and recompiled exactly when their
// model, settings or sources changed: for CI. Format: docs/ci.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "zokml/project/circuit_folder.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// zokml.json: {"circuits": [spec, ...]}, paths relative to the manifest's folder.
struct Manifest {
    std::filesystem::path file;
    std::vector<CircuitSpec> circuits;
};
Manifest load_manifest(const std::filesystem::path& file);  // throws InputError; names are unique

// One circuit of a manifest compared with what its spec gives now.
struct CircuitStatus {
    std::string name;
    std::filesystem::path output;
    std::vector<std::string> changes;   // e.g. "model changed", "sources differ"; empty: up to date
    std::string circuit_fingerprint;    // of the sources generated now
    std::optional<std::size_t> constraints;
    std::optional<ArtifactStore::Outcome> compile;  // when this build compiled it
    bool up_to_date() const { return changes.empty(); }
};

// Which circuits' folders differ from what their spec generates now; writes nothing.
std::vector<CircuitStatus> check_manifest(const Manifest& manifest);

// Regenerates the circuits whose model, settings or sources changed (and, with a toolchain and a
// store, compiles those not compiled by this toolchain yet); leaves the others alone.
std::vector<CircuitStatus> build_manifest(const Manifest& manifest, const Toolchain* toolchain = nullptr,
                                          const ArtifactStore* store = nullptr);

}  // namespace zokml
