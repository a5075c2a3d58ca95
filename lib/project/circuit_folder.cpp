#include "zokml/project/circuit_folder.hpp"

#include <fmt/format.h>

#include <system_error>

#include "json_fields.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/circuit/both_private.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"

namespace zokml {

namespace fs = std::filesystem;
using detail::Fields;
using nlohmann::json;

namespace {

constexpr const char* kLockFormat = "zokml-lock";

// path relative to base when both can be related, else absolute.
std::string relative_to(const fs::path& path, const fs::path& base) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    const fs::path relative = absolute.lexically_relative(fs::absolute(base).lexically_normal());
    return (relative.empty() ? absolute : relative).generic_string();
}

// A file name inside the sources folder: relative, normal, without .., ending in .zok.
bool is_source_name(const std::string& name) {
    const fs::path path(name);
    return !name.empty() && path.is_relative() && path.lexically_normal() == path && *path.begin() != ".." &&
           path.extension() == ".zok";
}

fs::path resolve(const std::string& path, const fs::path& base) {
    const fs::path resolved = (base / path).lexically_normal();
    return resolved.has_filename() ? resolved : resolved.parent_path();  // "out/" is "out"
}

}  // namespace

json CircuitSpec::to_json(const fs::path& base) const {
    json j = settings.to_json();
    j["name"] = name;
    j["model"] = relative_to(model, base);
    j["output"] = relative_to(output, base);
    if (!batch.empty()) j["batch"] = relative_to(batch, base);
    if (!batch_labels.empty()) j["batch_labels"] = relative_to(batch_labels, base);
    return j;
}

CircuitSpec CircuitSpec::from_json(const json& json, const fs::path& base, const fs::path& file, const std::string& field) {
    const Fields fields(json, file, field);
    fields.only({"name", "model", "variant", "options", "input_range", "activation_error", "backend", "batch", "batch_labels", "output"});
    CircuitSpec spec;
    spec.name = fields.text("name");
    spec.model = resolve(fields.text("model"), base);
    const fs::path output = fields.text("output");
    const fs::path normal = output.lexically_normal();
    if (output.is_absolute() || (!normal.empty() && *normal.begin() == ".."))
        fields.fail("output", "must be a folder inside the manifest's folder (relative, without climbing out with ..)");
    spec.output = resolve(output.string(), base);
    if (!is_inside(spec.output, base))
        fields.fail("output", "leads outside the manifest's folder through a symbolic link; give a folder inside it");
    spec.settings = CircuitSettings::from_json(json, file, field);
    if (fields.find("batch")) {
        if (spec.settings.variant != Variant::PrivateModel) fields.fail("batch", "only private-model circuits take a batch");
        spec.batch = resolve(fields.text("batch"), base);
    }
    if (fields.find("batch_labels")) {
        if (spec.batch.empty()) fields.fail("batch_labels", "goes with a batch");
        spec.batch_labels = resolve(fields.text("batch_labels"), base);
    }
    return spec;
}

LabeledBatch CircuitSpec::public_batch(const QuantizedModel& quantized) const {
    if (batch.empty()) return zokml::public_batch(quantized, settings.batch_size);
    return quantize_batch(quantized, read_batch_file(batch, Labels::Required, batch_labels), quantized.classes(), batch);
}

LabeledBatch public_batch(const QuantizedModel& model, std::size_t batch_size) {
    return labeled_batch(model, spread_digits(held_out_digits(), batch_size));
}

Circuit generate_circuit(const CircuitSettings& settings, const QuantizedModel& model, const LabeledBatch* batch) {
    settings.check();
    switch (settings.variant) {
        case Variant::PrivateInput: return generate_private_input_circuit(model, settings.private_input);
        case Variant::PrivateModel:
            if (!batch) throw std::invalid_argument("a private-model circuit needs its batch");
            return generate_private_model_circuit(model, *batch, settings.private_model);
        case Variant::BothPrivate: return generate_both_private_circuit(model, settings.both_private);
    }
    throw std::logic_error("unknown variant");
}

GeneratedCircuit generate_circuit(const CircuitSpec& spec) {
    spec.settings.check();
    GeneratedCircuit generated;
    generated.model = quantize(spec.float_model(), spec.settings.quantization);
    if (spec.settings.variant == Variant::PrivateModel) generated.batch = spec.public_batch(generated.model);
    generated.circuit = generate_circuit(spec.settings, generated.model, generated.batch ? &*generated.batch : nullptr);
    return generated;
}

fs::path lock_file(const fs::path& folder) { return folder / "zokml.lock.json"; }
fs::path sources_folder(const fs::path& folder) { return folder / "circuit"; }
fs::path abi_file(const fs::path& folder) { return folder / "abi.json"; }
fs::path keys_folder(const fs::path& folder) { return folder / "keys"; }
fs::path verification_key_file(const fs::path& folder) { return keys_folder(folder) / "verification.key"; }

std::string describe_setup(const CircuitLock::Keys& keys) {
    if (keys.ceremony) return keys.ceremony->description();
    return fmt::format("{}, {} keys made by zokml setup: single party, whoever ran it could forge proofs", to_string(keys.backend),
                       to_string(keys.scheme));
}

CircuitLock read_lock(const fs::path& folder) {
    const fs::path file = lock_file(folder);
    if (!fs::exists(file))
        throw InputError(file, "(file)", "no lock file: not a circuit folder (run zokml generate or zokml build first)");
    const json document = read_json_file(file);
    return detail::input_errors_named(file, [&] {
        const Fields fields(document, file, "");
        if (document.value("format", json()) != kLockFormat || document.value("version", json()) != 1)
            fields.fail("format", "expected \"zokml-lock\" version 1");
        CircuitLock lock;
        lock.spec = CircuitSpec::from_json(fields.required("spec"), folder, file, "spec");
        lock.model_fingerprint = fields.text("model_fingerprint");
        lock.batch_fingerprint = fields.text_or("batch_fingerprint", "");
        lock.circuit_fingerprint = fields.text("circuit_fingerprint");
        lock.main_file = fields.text_or("main_file", "main.zok");
        if (!is_source_name(lock.main_file))
            fields.fail("main_file", "must name a .zok file inside circuit/ (a relative path, without climbing out with ..)");
        if (const json* compiled = fields.find("compiled")) {
            const Fields c(*compiled, file, "compiled");
            lock.compiled = CircuitLock::Compiled{c.text("key"), c.count("constraints", 0, 0, SIZE_MAX), c.text("toolchain")};
        }
        if (const json* keys = fields.find("keys")) {
            const Fields k(*keys, file, "keys");
            lock.keys = CircuitLock::Keys{k.text("key"), k.text("program_key"), scheme_from_string(k.text("scheme")),
                                          k.text_or("proving_key_sha256", ""), Backend::Zokrates, std::nullopt};
            if (k.find("backend")) lock.keys->backend = k.parsed("backend", backend_from_string);
            if (const json* ceremony = k.find("ceremony")) {
                try {
                    lock.keys->ceremony = CeremonyRecord::from_json(*ceremony);
                } catch (const json::exception&) {
                    k.fail("ceremony", "not a setup record of this zokml (an older one recorded less of the powers of tau): run "
                                       "zokml setup again");
                }
            }
        }
        return lock;
    });
}

void write_lock(const fs::path& folder, const CircuitLock& lock) {
    json document = {{"format", kLockFormat},
                     {"version", 1},
                     {"spec", lock.spec.to_json(folder)},
                     {"model_fingerprint", lock.model_fingerprint},
                     {"circuit_fingerprint", lock.circuit_fingerprint},
                     {"main_file", lock.main_file}};
    if (!lock.batch_fingerprint.empty()) document["batch_fingerprint"] = lock.batch_fingerprint;
    if (lock.compiled)
        document["compiled"] = {{"key", lock.compiled->key},
                                {"constraints", lock.compiled->constraints},
                                {"toolchain", lock.compiled->toolchain}};
    if (lock.keys) {
        document["keys"] = {{"key", lock.keys->key}, {"program_key", lock.keys->program_key},
                            {"scheme", to_string(lock.keys->scheme)}};
        if (!lock.keys->proving_key_sha256.empty()) document["keys"]["proving_key_sha256"] = lock.keys->proving_key_sha256;
        document["keys"]["backend"] = to_string(lock.keys->backend);
        if (lock.keys->ceremony) document["keys"]["ceremony"] = lock.keys->ceremony->to_json();
    }
    fs::create_directories(folder);
    write_file_atomically(lock_file(folder), dump_json(document, 2) + "\n");
}

Circuit read_sources(const fs::path& folder, const std::string& main_file) {
    const fs::path dir = sources_folder(folder);
    if (fs::is_symlink(dir)) throw InputError(dir, "(folder)", "a symbolic link: the sources must be inside the folder");
    if (!fs::is_directory(dir)) throw InputError(dir, "(folder)", "no generated sources (run zokml generate or zokml build)");
    Circuit circuit;
    circuit.main_file = main_file;
    // Only what is inside the folder: a link could make the sources any file of the machine.
    for (const auto& item : fs::recursive_directory_iterator(dir)) {
        if (item.is_symlink())
            throw InputError(item.path(), "(file)", "a symbolic link: the sources must be files inside circuit/");
        if (item.is_regular_file())
            circuit.files[item.path().lexically_relative(dir).generic_string()] = read_file(item.path());
    }
    if (!circuit.files.count(main_file))
        throw InputError(dir / main_file, "(file)", "missing: the main file is not among the sources (run zokml generate again)");
    return circuit;
}

std::optional<CircuitLock> find_lock(const fs::path& folder) {
    try {
        return read_lock(folder);
    } catch (const InputError&) {
        return std::nullopt;
    }
}

std::string sources_fingerprint(const fs::path& folder, const std::string& main_file) {
    try {
        return read_sources(folder, main_file).fingerprint();
    } catch (const std::exception&) {
        return "";
    }
}

namespace {


}  // namespace

nlohmann::json generated_json(const CircuitLock& lock) {
    return {{"variant", to_string(lock.spec.settings.variant)},
            {"model_fingerprint", lock.model_fingerprint},
            {"circuit_fingerprint", lock.circuit_fingerprint}};
}

CircuitLock write_generated(const CircuitSpec& spec, const GeneratedCircuit& generated) {
    const fs::path& folder = spec.output;
    std::error_code missing;
    if (fs::exists(fs::symlink_status(folder, missing)) && !fs::is_directory(folder, missing))
        throw InputError(folder, "(folder)", "is an existing file, not a folder: give a folder for the circuit");
    const std::optional<CircuitLock> old = find_lock(folder);
    CircuitLock lock;
    lock.spec = spec;
    lock.model_fingerprint = generated.model.fingerprint();
    lock.batch_fingerprint = generated.batch ? generated.batch->fingerprint() : "";
    lock.circuit_fingerprint = generated.circuit.fingerprint();
    lock.main_file = generated.circuit.main_file;
    if (sources_fingerprint(folder, lock.main_file) == lock.circuit_fingerprint &&
        old && old->circuit_fingerprint == lock.circuit_fingerprint) {
        lock.compiled = old->compiled;
        lock.keys = old->keys;
    } else {
        fs::remove_all(sources_folder(folder));
        fs::remove_all(keys_folder(folder));
        generated.circuit.write(sources_folder(folder));
    }
    write_lock(folder, lock);
    return lock;
}

ArtifactStore::CachedProgram compile_folder(const fs::path& folder, const Toolchain& toolchain, const ArtifactStore& store) {
    CircuitLock lock = read_lock(folder);
    const Circuit circuit = read_sources(folder, lock.main_file);
    if (circuit.fingerprint() != lock.circuit_fingerprint)
        throw InputError(sources_folder(folder), "(folder)",
                         "the sources differ from those the lock file records (edited?): run zokml generate again");
    ArtifactStore::CachedProgram compiled = store.compile(toolchain, circuit);
    const CircuitLock::Compiled record{compiled.key, compiled.program.constraints, store.toolchain_version(toolchain)};
    const std::string abi = compiled.program.abi.to_json().dump(2) + "\n";
    // Written only when they change: proving with a folder's keys must work in a read-only folder.
    std::error_code missing;
    if (!fs::is_regular_file(abi_file(folder), missing) || read_file(abi_file(folder)) != abi)
        write_file_atomically(abi_file(folder), abi);
    if (lock.compiled != record) {
        lock.compiled = record;
        write_lock(folder, lock);
    }
    return compiled;
}

ArtifactStore::CachedKeypair setup_folder(const fs::path& folder, Scheme scheme, const Toolchain& toolchain,
                                          const ArtifactStore& store, std::optional<Backend> backend) {
    const auto compiled = compile_folder(folder, toolchain, store);
    auto cached = store.setup(*make_backend(backend.value_or(default_setup_backend(scheme)), toolchain), compiled.program, scheme);
    make_private_dir(keys_folder(folder));
    link_or_copy(cached.keypair.proving_key, keys_folder(folder) / "proving.key");
    link_or_copy(cached.keypair.verification_key_file, verification_key_file(folder));
    CircuitLock lock = read_lock(folder);
    lock.keys = CircuitLock::Keys{cached.key, compiled.key, scheme, sha256_hex(read_file(keys_folder(folder) / "proving.key")),
                                  cached.keypair.backend, std::nullopt};
    write_lock(folder, lock);
    return cached;
}

FolderArtifacts folder_artifacts(const fs::path& folder, const Toolchain& toolchain, const ArtifactStore& store) {
    const CircuitLock lock = read_lock(folder);
    if (!lock.keys && fs::exists(keys_folder(folder) / "ceremony"))
        throw InputError(lock_file(folder), "keys",
                         fmt::format("no keys yet: a setup ceremony runs ({} contributions so far); end it with zokml setup "
                                     "--finalize --beacon HEX",
                                     ceremony_contributions(folder).size()));
    if (!lock.keys) throw InputError(lock_file(folder), "keys", "no keys yet: run zokml setup first");
    FolderArtifacts artifacts;
    const auto compiled = compile_folder(folder, toolchain, store);
    if (compiled.key != lock.keys->program_key)
        throw InputError(lock_file(folder), "keys", "set up for another compilation of the circuit: run zokml setup again");
    artifacts.program = compiled.program;
    artifacts.keypair.scheme = lock.keys->scheme;
    artifacts.keypair.backend = lock.keys->backend;
    artifacts.keypair.proving_key = keys_folder(folder) / "proving.key";
    // The key may be a hard link into the cache: damage there reaches every folder that links it,
    // and ZoKrates would panic on a truncated key. Only the recorded bytes are used.
    const fs::path& key = artifacts.keypair.proving_key;
    if (!fs::exists(fs::symlink_status(key))) throw InputError(key, "(file)", "missing: run zokml setup again");
    if (!is_file_inside(key, folder))
        throw InputError(key, "(file)", "not a file inside the folder (a link elsewhere?): run zokml setup again");
    if (lock.keys->proving_key_sha256.empty())
        throw InputError(lock_file(folder), "keys", "set up by an older zokml, without the key's SHA-256: run zokml setup again");
    if (sha256_hex(read_file(key)) != lock.keys->proving_key_sha256)
        throw InputError(key, "(file)", "damaged: its SHA-256 is not the one zokml setup recorded; run zokml setup again");
    if (lock.keys->ceremony) check_ceremony(folder, toolchain, store);
    return artifacts;
}

}  // namespace zokml
