// The snarkjs backend's Groth16 setup of a circuit folder: a phase-2 ceremony on a powers-of-tau
// file, by several parties in turn or by this machine alone, and the check of its transcript that
// comes before every proof and verification. docs/security.md#the-trusted-setup
//   keys/ceremony/     while it runs: ceremony.json, circuit.r1cs, zkey_0000.zkey, zkey_0001.zkey, ...
//   keys/proving.key   the final .zkey          keys/verification.key  in ZoKrates' format
//   keys/circuit.r1cs  what the transcript is checked against
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/snarkjs.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// The phase-1 file a ceremony builds on: a public ceremony's (as deployments use) or one made
// here, which whoever made it could use to forge proofs.
// What it is is read from its bytes, never from how it was passed: the same file is single-party
// whether zokml made it or someone passed it with --ptau.
struct PowersOfTau {
    std::filesystem::path file;
    std::string sha256;
    std::size_t contributions = 0;  // in the file's own transcript (a beacon counts as one)
    bool made_by_zokml = false;     // the bytes of a file that zokml made on this machine

    // Whoever made its only contribution, or zokml's user, could forge proofs.
    bool single_party() const { return made_by_zokml || contributions <= 1; }
    bool operator==(const PowersOfTau&) const = default;
};
// The powers-of-tau file's SHA-256, its number of contributions (from its header) and whether it
// is this machine's own (the bytes of local_powers_of_tau's file of its size, when the store has
// one). InputError naming the file when it is no snarkjs powers-of-tau file.
PowersOfTau read_powers_of_tau(const std::filesystem::path& file, const ArtifactStore& store);
// zokml's own file of 2^power, made once and kept in the store (outcome: whether it was there).
struct LocalPowersOfTau {
    PowersOfTau ptau;
    ArtifactStore::Outcome outcome = ArtifactStore::Outcome::Hit;
    std::shared_ptr<const void> in_use;  // no prune removes the file while this lives
};
LocalPowersOfTau local_powers_of_tau(unsigned power, const Snarkjs& snarkjs, const ArtifactStore& store);

// What the lock records of a snarkjs setup (CircuitLock::Keys::ceremony).
struct CeremonyRecord {
    PowersOfTau ptau;
    std::vector<SetupContribution> contributions;  // as the transcript check found them
    std::string r1cs_sha256;
    bool local_contributions = false;  // zokml setup made the contributions itself (no --ceremony)

    bool single_party() const { return ptau.single_party() || local_contributions; }
    std::string description() const;  // how the setup was made, in one line (zokml verify prints it)
    nlohmann::json to_json() const;
    static CeremonyRecord from_json(const nlohmann::json& json);  // throws std::exception when malformed
};

// Starts a ceremony in folder/keys/ceremony (the folder's earlier keys are dropped): the r1cs
// of the folder's program (compiled again, checked to be the same program) and the initial .zkey.
// Without ptau_file, zokml's local powers of tau of the size the circuit needs.
void start_ceremony(const std::filesystem::path& folder, const std::optional<std::filesystem::path>& ptau_file,
                    const Toolchain& toolchain, const ArtifactStore& store);
// One party's contribution, on the ceremony's latest .zkey, once the transcript so far checks
// (InputError naming the key when it does not: a party never builds on a tampered key). The
// entropy is drawn inside snarkjs and never stored. Returns what the party publishes: its
// contribution hash.
SetupContribution contribute_to_ceremony(const std::filesystem::path& folder, const std::string& name,
                                         const Toolchain& toolchain, const ArtifactStore& store);
// The beacon is hashed 2^N times (snarkjs' --iterations): N from kMinBeaconIterations to
// kMaxBeaconIterations, kBeaconIterations unless the ceremony asks for more.
inline constexpr unsigned kBeaconIterations = 10;
inline constexpr unsigned kMinBeaconIterations = 10;
inline constexpr unsigned kMaxBeaconIterations = 63;
// The final beacon (a public random value announced after the last contribution, hex), the check
// of the whole transcript and the keys: folder/keys and the lock's keys record. The intermediate
// .zkey files are removed. Throws InputError when the transcript does not check.
SetupTranscript finalize_ceremony(const std::filesystem::path& folder, const std::string& beacon_hex, unsigned iterations,
                                  const Toolchain& toolchain, const ArtifactStore& store);
// Start, one contribution drawn here and a beacon drawn here: the keys of one party, this machine.
SetupTranscript setup_folder_single_party(const std::filesystem::path& folder,
                                          const std::optional<std::filesystem::path>& ptau_file, const Toolchain& toolchain,
                                          const ArtifactStore& store);

// The contributions so far of a running ceremony; InputError when none runs.
std::vector<SetupContribution> ceremony_contributions(const std::filesystem::path& folder);

// The check of a snarkjs folder's keys against its transcript: the proving key's every
// contribution builds on the circuit's own start and the powers of tau, and the verification key
// is the proving key's. A valid verdict is kept in the store for these exact files, so a machine
// checks each setup once. Throws InputError naming the file when it does not hold.
SetupTranscript check_ceremony(const std::filesystem::path& folder, const Toolchain& toolchain, const ArtifactStore& store);

}  // namespace zokml
