// Circuit folders: a circuit's settings, saved beside its generated sources with the fingerprints
// they were generated from (a lock file), and a manifest of many, regenerated when they change.
// Formats: docs/ci.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml {

enum class Variant { PrivateInput, PrivateModel };
std::string to_string(Variant variant);            // "private-input", "private-model"
Variant variant_from_string(const std::string& name);  // throws std::invalid_argument

// Everything that determines one generated circuit: the single source of truth for its settings.
struct CircuitSpec {
    std::string name;
    std::filesystem::path model;         // the float model file
    Variant variant = Variant::PrivateInput;
    QuantizationOptions quantization;
    PrivateInputOptions private_input;   // PrivateInput only
    PrivateModelOptions private_model;   // PrivateModel only
    std::size_t batch_size = 10;         // PrivateModel: held-out MNIST digits in the public batch
    std::filesystem::path output;        // the circuit folder

    // {"name", "model", "variant", "options", "output"} with paths relative to base; "options"
    // holds the quantization options and those of the variant only.
    nlohmann::json to_json(const std::filesystem::path& base) const;
    // Paths are resolved against base. Throws InputError naming file and field (e.g.
    // "circuits[1].options.chunk_size") for missing, mistyped or unknown members.
    static CircuitSpec from_json(const nlohmann::json& json, const std::filesystem::path& base,
                                 const std::filesystem::path& file, const std::string& field = "");
};

// The public batch of a private-model circuit: batch_size held-out digits spread evenly over the
// held-out set (positions i * floor(held_out / batch_size)).
std::vector<Digit> batch_digits(std::size_t batch_size);

// What a spec generates now.
struct GeneratedCircuit {
    QuantizedModel model;
    Circuit circuit;
    std::optional<LabeledBatch> batch;  // PrivateModel
};
GeneratedCircuit generate_circuit(const CircuitSpec& spec);

// A circuit folder holds zokml.lock.json, the sources in circuit/ and, after `zokml setup`, the
// proving and verification keys in keys/.
std::filesystem::path lock_file(const std::filesystem::path& folder);
std::filesystem::path sources_folder(const std::filesystem::path& folder);
std::filesystem::path keys_folder(const std::filesystem::path& folder);

// What a circuit folder was generated from, and what was done with it since.
struct CircuitLock {
    CircuitSpec spec;                  // output is the folder itself
    std::string model_fingerprint;     // QuantizedModel::fingerprint()
    std::string batch_fingerprint;     // PrivateModel
    std::string circuit_fingerprint;   // Circuit::fingerprint() of the sources
    std::string main_file = "main.zok";
    struct Compiled {
        std::string key;               // ArtifactStore::compile_key
        std::size_t constraints = 0;
        std::string toolchain;         // e.g. "ZoKrates 0.8.8"
    };
    std::optional<Compiled> compiled;
    struct Keys {                      // written by `zokml setup` into folder/keys
        std::string key;               // ArtifactStore::setup_key
        std::string program_key;       // the compile key of the program they were set up for
        Scheme scheme = Scheme::G16;
    };
    std::optional<Keys> keys;
};
// Throws InputError naming the lock file when it is missing or malformed.
CircuitLock read_lock(const std::filesystem::path& folder);
void write_lock(const std::filesystem::path& folder, const CircuitLock& lock);  // atomically

// The sources as they are on disk (every file under folder/circuit). Throws InputError when the
// folder is missing.
Circuit read_sources(const std::filesystem::path& folder, const std::string& main_file = "main.zok");

// Replaces spec.output's sources with the generated ones and writes its lock. The compiled and
// keys records are kept when the sources are unchanged, dropped otherwise (and folder/keys with them).
CircuitLock write_generated(const CircuitSpec& spec, const GeneratedCircuit& generated);

// Compiles the folder's sources through the store and records the result in its lock.
ArtifactStore::CachedProgram compile_folder(const std::filesystem::path& folder, const Toolchain& toolchain,
                                            const ArtifactStore& store);

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
