#include "zokml/project/folder_setup.hpp"

#include <stdexcept>

#include "zokml/backend/backends.hpp"
#include "zokml/project/ceremony.hpp"
#include "zokml/project/circuit_folder.hpp"

namespace zokml {

SetupChoice choose_setup(Scheme scheme, std::optional<Backend> given, std::optional<Backend> settings_backend,
                         std::optional<std::filesystem::path> ptau) {
    SetupChoice choice{scheme, given.value_or(settings_backend.value_or(default_setup_backend(scheme))), std::move(ptau)};
    if (choice.backend != Backend::Zokrates && choice.scheme != Scheme::G16)
        throw std::invalid_argument("the " + to_string(choice.backend) + " backend proves with g16 only");
    if (choice.ptau && choice.backend != Backend::Snarkjs) throw std::invalid_argument("a powers of tau file goes with the snarkjs backend");
    return choice;
}

std::optional<Backend> folder_settings_backend(const std::filesystem::path& folder) {
    const auto lock = find_lock(folder);
    return lock ? lock->spec.settings.backend : std::nullopt;
}

nlohmann::json to_json(const SetupChoice& choice, const FolderSetup& keys) {
    nlohmann::json result = {{"scheme", to_string(choice.scheme)}, {"backend", to_string(choice.backend)}};
    if (keys.single_party) {
        result["single_party"] = true;
    } else {
        result["cache"] = to_string(keys.cache);
        result["key"] = keys.key;
    }
    return result;
}

FolderSetup setup_folder_keys(const std::filesystem::path& folder, const SetupChoice& choice, const Toolchain& toolchain,
                              const ArtifactStore& store) {
    FolderSetup setup;
    if (choice.backend == Backend::Snarkjs) {
        setup_folder_single_party(folder, choice.ptau, toolchain, store);
        setup.single_party = true;
        return setup;
    }
    const auto keys = setup_folder(folder, choice.scheme, toolchain, store, choice.backend);
    setup.cache = keys.outcome;
    setup.key = keys.key;
    return setup;
}

}  // namespace zokml
