// A content-addressed cache of compiled programs and keypairs: an artifact is reused while what
// determines it (the generated sources, the toolchain version, the scheme, the curve) is unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/circuit.hpp"
#include "zokml/toolchain/proving_backend.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// Entries live in root/entries/<key>/: the artifact's files and entry.json, the SHA-256 and size of
// every file. Each read verifies them; a corrupt or truncated entry is never used but rebuilt.
// Safe across threads and processes: an entry is built in a private folder under root/tmp and
// renamed into place, and builders of the same key take turns (flock on root/locks/<key>).
// An entry in use is never pruned: whoever holds an Entry (or a CompiledProgram or Keypair made
// from one) holds a shared flock on root/locks/<key>.use, taken before the entry is verified, and
// prune removes only the entries whose lock it can take exclusively at once.
class ArtifactStore {
public:
    // $ZOKML_CACHE_DIR, else $XDG_CACHE_HOME/zokml, else ~/.cache/zokml.
    static std::filesystem::path default_root();

    explicit ArtifactStore(std::filesystem::path root = default_root());
    const std::filesystem::path& root() const { return root_; }

    enum class Outcome {
        Hit,      // a verified entry was reused
        Built,    // there was none: built now
        Rebuilt,  // the entry was corrupt: built again and replaced
    };

    struct Entry {
        std::filesystem::path dir;  // root/entries/<key>
        nlohmann::json metadata;    // what the builder returned
        Outcome outcome = Outcome::Hit;
        // The shared lock that keeps prune away, released with the last copy. Empty when the
        // cache is read-only (no lock file can be made there; nor can a prune remove anything).
        std::shared_ptr<const void> in_use;
    };

    // Writes an artifact's files into an empty private folder; returns metadata kept beside them.
    using Builder = std::function<nlohmann::json(const std::filesystem::path& dir)>;

    // The entry under key (64 hex digits), verified, or built with build when missing or corrupt.
    // When build throws, nothing is stored and the exception propagates.
    Entry get(const std::string& key, const Builder& build) const;
    // The verified entry under key; nullopt when it is missing or corrupt. Never builds.
    std::optional<Entry> find(const std::string& key) const;

    // A compiled program (program, abi_file and r1cs inside the entry) and the key it is stored under.
    struct CachedProgram {
        CompiledProgram program;
        std::string key;
        Outcome outcome = Outcome::Hit;
    };
    CachedProgram compile(const Toolchain& toolchain, const Circuit& circuit) const;

    // A keypair for a compiled program (proving and verification key files inside the entry).
    // G16 and GM17 only: Marlin's universal setup is not cached (std::invalid_argument).
    struct CachedKeypair {
        Keypair keypair;
        std::string key;
        Outcome outcome = Outcome::Hit;
    };
    // The backend's setup (ProvingBackend::setup), kept apart from other backends' keys.
    CachedKeypair setup(const ProvingBackend& backend, const CompiledProgram& program, Scheme scheme) const;
    // The same for several programs: those not in the store are set up together
    // (ProvingBackend::setup_together), each then stored under its own key.
    std::vector<CachedKeypair> setup(const ProvingBackend& backend, std::span<const CompiledProgram> programs, Scheme scheme) const;

    // What the cache holds, for `zokml cache list|prune`. An entry's last use is the time of its
    // entry.json, which each reuse touches.
    struct EntryInfo {
        std::string key;
        std::string kind;            // "program", "keypair", or "corrupt" (unreadable entry.json)
        std::uintmax_t bytes = 0;    // every file of the entry
        std::filesystem::file_time_type last_used;
        nlohmann::json metadata;     // as the builder returned it (null when corrupt)
    };
    // Every entry, the most recently used first.
    std::vector<EntryInfo> entries() const;

    // Removes the entries not used for `older_than`, then the least recently used ones until the
    // rest hold at most `max_bytes`. An entry in use or being built is kept (and counted in
    // `in_use`); any other is renamed away under its locks before it is deleted, so a reader sees
    // it whole or not at all, and builds it again.
    struct Pruned {
        std::size_t removed = 0, kept = 0, in_use = 0;
        std::uintmax_t removed_bytes = 0, kept_bytes = 0;
    };
    Pruned prune(std::optional<std::chrono::seconds> older_than, std::optional<std::uintmax_t> max_bytes) const;

    // The toolchain's version line (e.g. "ZoKrates 0.8.8"), asked once per executable.
    const std::string& toolchain_version(const Toolchain& toolchain) const { return toolchain.version(); }

    // The keys: SHA-256 over a domain tag and every input, one per line; `key` for any other
    // kind of entry (e.g. the snarkjs backend's powers of tau, r1cs and setup checks).
    static std::string key(const std::string& domain, std::initializer_list<std::string> inputs);
    static std::string compile_key(const std::string& circuit_fingerprint, const std::string& toolchain_version);
    static std::string setup_key(const std::string& program_sha256, Scheme scheme, const std::string& toolchain_version);

private:
    std::filesystem::path root_;
};

std::string to_string(ArtifactStore::Outcome outcome);  // "hit", "built", "rebuilt"
// A compile's result as zokml compile --json and the binding give it: {"constraints", "cache", "key", "program"}.
nlohmann::json to_json(const ArtifactStore::CachedProgram& compiled);

}  // namespace zokml
