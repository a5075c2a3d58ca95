// A circuit folder: a circuit's sources generated from a model and its settings, with a lock file
// recording what they were generated from and what was done with them since. Format: docs/ci.md.
//   zokml.lock.json   the spec, the fingerprints, the compile and setup records
//   circuit/          main.zok and its modules
//   abi.json          the compiled program's interface (after compile)
//   keys/             proving.key and verification.key (after setup)
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "zokml/project/ceremony.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/circuit.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// One circuit to generate: a name, the float model, the settings and the folder.
struct CircuitSpec {
    std::string name;
    std::filesystem::path model;  // the float model file
    CircuitSettings settings;
    std::filesystem::path output;  // the circuit folder
    // private-model: the public labelled batch, a batch file (docs/batch-format.md; a .npy with
    // its labels in batch_labels); empty: settings.batch_size held-out MNIST digits
    std::filesystem::path batch;
    std::filesystem::path batch_labels;

    // The model file, with the settings' input range when they give one.
    Model float_model() const { return load_model(model, settings.input_range); }
    // private-model: the public batch for the quantized model, from the batch file (checked:
    // InputError naming it) or the MNIST digits.
    LabeledBatch public_batch(const QuantizedModel& quantized) const;

    // {"name", "model", "variant", "options", "input_range", "batch", "batch_labels", "output"},
    // paths relative to base (the batch's only when there is one).
    nlohmann::json to_json(const std::filesystem::path& base) const;
    // Paths are resolved against base. Throws InputError naming file and field (e.g.
    // "circuits[1].options.chunk_size") for missing, mistyped or unknown members.
    static CircuitSpec from_json(const nlohmann::json& json, const std::filesystem::path& base,
                                 const std::filesystem::path& file, const std::string& field = "");
};

// The public batch of a private-model circuit: batch_size held-out MNIST digits (spread_digits).
LabeledBatch public_batch(const QuantizedModel& model, std::size_t batch_size);

// What a spec generates now.
struct GeneratedCircuit {
    QuantizedModel model;
    Circuit circuit;
    std::optional<LabeledBatch> batch;  // private-model
};
GeneratedCircuit generate_circuit(const CircuitSpec& spec);
// The circuit of the settings for a quantized model (and, private-model, its batch).
Circuit generate_circuit(const CircuitSettings& settings, const QuantizedModel& model, const LabeledBatch* batch);

std::filesystem::path lock_file(const std::filesystem::path& folder);
std::filesystem::path sources_folder(const std::filesystem::path& folder);
std::filesystem::path abi_file(const std::filesystem::path& folder);
std::filesystem::path keys_folder(const std::filesystem::path& folder);
std::filesystem::path verification_key_file(const std::filesystem::path& folder);  // in keys_folder: verification.key

struct CircuitLock {
    CircuitSpec spec;                  // output is the folder itself
    std::string model_fingerprint;     // QuantizedModel::fingerprint()
    std::string batch_fingerprint;     // private-model
    std::string circuit_fingerprint;   // Circuit::fingerprint() of the sources
    std::string main_file = "main.zok";
    struct Compiled {
        std::string key;               // ArtifactStore::compile_key
        std::size_t constraints = 0;
        std::string toolchain;         // e.g. "ZoKrates 0.8.8"
        bool operator==(const Compiled&) const = default;
    };
    std::optional<Compiled> compiled;
    struct Keys {                      // written by setup_folder into folder/keys
        std::string key;               // ArtifactStore::setup_key
        std::string program_key;       // the compile key of the program they were set up for
        Scheme scheme = Scheme::G16;
        std::string proving_key_sha256;  // checked before every proof
        Backend backend = Backend::Zokrates;
        std::optional<CeremonyRecord> ceremony;  // snarkjs: its powers of tau and transcript
    };
    std::optional<Keys> keys;
};
// How the keys were made, in one line: who could forge proofs with them (zokml verify prints it).
std::string describe_setup(const CircuitLock::Keys& keys);

// Throws InputError naming the lock file when it is missing or malformed.
CircuitLock read_lock(const std::filesystem::path& folder);
void write_lock(const std::filesystem::path& folder, const CircuitLock& lock);  // atomically

// The folder's lock; nullopt when it is missing or unreadable.
std::optional<CircuitLock> find_lock(const std::filesystem::path& folder);

// The sources as they are on disk (every file under folder/circuit). Throws InputError when the
// folder is missing.
Circuit read_sources(const std::filesystem::path& folder, const std::string& main_file = "main.zok");
// Their fingerprint; empty when there are none.
std::string sources_fingerprint(const std::filesystem::path& folder, const std::string& main_file = "main.zok");

// Replaces spec.output's sources with the generated ones and writes its lock. The compiled and
// keys records are kept when the sources are unchanged, dropped otherwise (and folder/keys with them).
CircuitLock write_generated(const CircuitSpec& spec, const GeneratedCircuit& generated);
// What generate made, as zokml generate --json and the binding give it: {"variant", "model_fingerprint", "circuit_fingerprint"}.
nlohmann::json generated_json(const CircuitLock& lock);

// Compiles the folder's sources through the store, writes abi.json and records the result in the
// lock. Throws InputError when the sources differ from those the lock records.
ArtifactStore::CachedProgram compile_folder(const std::filesystem::path& folder, const Toolchain& toolchain,
                                            const ArtifactStore& store);
// Compiles when needed, then links (or copies) a keypair from the store, made by `backend`
// (default_setup_backend(scheme) when none), into folder/keys and records it in the lock.
ArtifactStore::CachedKeypair setup_folder(const std::filesystem::path& folder, Scheme scheme, const Toolchain& toolchain,
                                          const ArtifactStore& store, std::optional<Backend> backend = {});
// What proving with the folder's keys needs: its compiled program and proving key, checked
// against its lock (InputError when it has no keys yet, they were set up for another compilation,
// or the proving key's bytes are not those setup recorded). Needs no verification key: the
// verifier may run setup and hand over only the proving key.
struct FolderArtifacts {
    CompiledProgram program;
    Keypair keypair;
};
FolderArtifacts folder_artifacts(const std::filesystem::path& folder, const Toolchain& toolchain, const ArtifactStore& store);

}  // namespace zokml
