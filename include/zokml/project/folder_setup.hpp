// How a circuit folder's keys are made (zokml setup, zokml run, Circuit.setup in Python): the
// scheme and backend chosen, then the keys made with them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

struct SetupChoice {
    Scheme scheme = Scheme::G16;
    Backend backend = Backend::Native;
    std::optional<std::filesystem::path> ptau;  // snarkjs: a public ceremony's powers of tau
};

// The backend `given`, else the circuit's settings' (`settings_backend`: the settings file's or
// the folder's), else default_setup_backend(scheme). Throws std::invalid_argument when they do not
// go together: a backend other than zokrates with gm17, a powers of tau without snarkjs.
SetupChoice choose_setup(Scheme scheme, std::optional<Backend> given, std::optional<Backend> settings_backend,
                         std::optional<std::filesystem::path> ptau = {});
// The backend the folder's settings choose; none without a readable lock.
std::optional<Backend> folder_settings_backend(const std::filesystem::path& folder);

struct FolderSetup {
    bool single_party = false;  // snarkjs: a contribution and a beacon drawn here (whoever ran it could forge proofs)
    ArtifactStore::Outcome cache = ArtifactStore::Outcome::Built;  // the others: from the store or made
    std::string key;                                               // the store's setup key (not single party)
};
// Makes the folder's keys as chosen: snarkjs in a single-party ceremony (setup_folder_single_party),
// the others through the store (setup_folder).
// A setup's result as zokml setup --json and the binding give it: {"scheme", "backend"}, and
// {"single_party": true} or the store's {"cache", "key"}.
nlohmann::json to_json(const SetupChoice& choice, const FolderSetup& keys);
FolderSetup setup_folder_keys(const std::filesystem::path& folder, const SetupChoice& choice, const Toolchain& toolchain,
                              const ArtifactStore& store);

}  // namespace zokml
