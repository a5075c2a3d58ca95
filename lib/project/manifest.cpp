#include "zokml/project/manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/model/model.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kLockFormat = "zokml-lock";

// The members of one JSON object, read with errors that name the file and the field.
class Fields {
public:
    Fields(const json& object, const fs::path& file, std::string field)
        : object_(object), file_(file), field_(std::move(field)) {
        if (!object_.is_object()) fail("", "expected an object");
    }

    std::string path(const std::string& key) const { return field_.empty() ? key : field_ + "." + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& reason) const {
        throw InputError(file_, !key.empty() ? path(key) : field_.empty() ? "(file)" : field_, reason);
    }
    const json* find(const std::string& key) const {
        const auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }
    const json& required(const std::string& key) const {
        if (const json* value = find(key)) return *value;
        fail(key, "missing");
    }
    std::string text(const std::string& key) const {
        const json& value = required(key);
        if (!value.is_string() || value.get<std::string>().empty()) fail(key, "expected a non-empty string");
        return value.get<std::string>();
    }
    std::string text_or(const std::string& key, const std::string& fallback) const { return find(key) ? text(key) : fallback; }
    std::size_t count(const std::string& key, std::size_t fallback, std::size_t min = 1, std::size_t max = 1u << 20) const {
        const json* value = find(key);
        if (!value) return fallback;
        if (!value->is_number_unsigned() || value->get<std::size_t>() < min || value->get<std::size_t>() > max)
            fail(key, fmt::format("expected an integer from {} to {}, got {}", min, max, value->dump()));
        return value->get<std::size_t>();
    }
    bool flag(const std::string& key, bool fallback) const {
        const json* value = find(key);
        if (!value) return fallback;
        if (!value->is_boolean()) fail(key, "expected true or false, got " + value->dump());
        return value->get<bool>();
    }
    void only(const std::vector<std::string>& known) const {
        for (const auto& [key, value] : object_.items())
            if (std::find(known.begin(), known.end(), key) == known.end())
                fail(key, fmt::format("unknown member (expected one of: {})", fmt::join(known, ", ")));
    }

private:
    const json& object_;
    const fs::path& file_;
    std::string field_;
};

// path relative to base when both can be related, else absolute.
std::string relative_to(const fs::path& path, const fs::path& base) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    const fs::path relative = absolute.lexically_relative(fs::absolute(base).lexically_normal());
    return (relative.empty() ? absolute : relative).generic_string();
}

fs::path resolve(const std::string& path, const fs::path& base) {
    const fs::path resolved = (base / path).lexically_normal();
    return resolved.has_filename() ? resolved : resolved.parent_path();  // "out/" is "out"
}

// The settings that determine the circuit: the spec without its name and folder.
json settings_of(const CircuitSpec& spec, const fs::path& base) {
    json settings = spec.to_json(base);
    settings.erase("name");
    settings.erase("output");
    return settings;
}

// Runs f; any error but an InputError becomes one naming the file.
template <typename F>
auto input_errors_named(const fs::path& file, F&& f) {
    try {
        return f();
    } catch (const InputError&) {
        throw;
    } catch (const json::exception& e) {
        throw InputError(file, "(file)", std::string("malformed JSON: ") + e.what());
    } catch (const std::exception& e) {
        throw InputError(file, "(file)", e.what());
    }
}

}  // namespace

std::string to_string(Variant variant) { return variant == Variant::PrivateInput ? "private-input" : "private-model"; }

Variant variant_from_string(const std::string& name) {
    for (const auto v : {Variant::PrivateInput, Variant::PrivateModel})
        if (to_string(v) == name) return v;
    throw std::invalid_argument("unknown variant '" + name + "' (expected private-input or private-model)");
}

json CircuitSpec::to_json(const fs::path& base) const {
    json options = {{"input_bits", quantization.input_bits},
                    {"weight_bits", quantization.weight_bits},
                    {"activation_bits", quantization.activation_bits}};
    if (variant == Variant::PrivateInput) {
        options["expose_logits"] = private_input.expose_logits;
        options["claimed_class"] = private_input.claimed_class;
        options["chunk_size"] = private_input.chunk_size;
    } else {
        options["group_size"] = private_model.group_size;
        options["chunk_size"] = private_model.chunk_size;
        options["batch_size"] = batch_size;
    }
    return {{"name", name},
            {"model", relative_to(model, base)},
            {"variant", to_string(variant)},
            {"options", options},
            {"output", relative_to(output, base)}};
}

CircuitSpec CircuitSpec::from_json(const json& json, const fs::path& base, const fs::path& file, const std::string& field) {
    const Fields fields(json, file, field);
    fields.only({"name", "model", "variant", "options", "output"});
    CircuitSpec spec;
    spec.name = fields.text("name");
    spec.model = resolve(fields.text("model"), base);
    spec.output = resolve(fields.text("output"), base);
    try {
        spec.variant = variant_from_string(fields.text_or("variant", "private-input"));
    } catch (const std::invalid_argument& e) {
        fields.fail("variant", e.what());
    }
    static const nlohmann::json no_options = nlohmann::json::object();
    const Fields options(fields.find("options") ? *fields.find("options") : no_options, file, fields.path("options"));
    spec.quantization.input_bits = static_cast<unsigned>(options.count("input_bits", spec.quantization.input_bits, 1, 16));
    spec.quantization.weight_bits = static_cast<unsigned>(options.count("weight_bits", spec.quantization.weight_bits, 2, 30));
    spec.quantization.activation_bits =
        static_cast<unsigned>(options.count("activation_bits", spec.quantization.activation_bits, 0, 62));
    if (spec.variant == Variant::PrivateInput) {
        options.only({"input_bits", "weight_bits", "activation_bits", "expose_logits", "claimed_class", "chunk_size"});
        spec.private_input.expose_logits = options.flag("expose_logits", spec.private_input.expose_logits);
        spec.private_input.claimed_class = options.flag("claimed_class", spec.private_input.claimed_class);
        spec.private_input.chunk_size = options.count("chunk_size", spec.private_input.chunk_size);
    } else {
        options.only({"input_bits", "weight_bits", "activation_bits", "group_size", "chunk_size", "batch_size"});
        spec.private_model.group_size = options.count("group_size", spec.private_model.group_size);
        spec.private_model.chunk_size = options.count("chunk_size", spec.private_model.chunk_size);
        spec.batch_size = options.count("batch_size", spec.batch_size);
    }
    return spec;
}

std::vector<Digit> batch_digits(std::size_t batch_size) { return spread_digits(held_out_digits(), batch_size); }

GeneratedCircuit generate_circuit(const CircuitSpec& spec) {
    GeneratedCircuit generated;
    generated.model = quantize(load_model(spec.model), spec.quantization);
    if (spec.variant == Variant::PrivateInput) {
        generated.circuit = generate_private_input_circuit(generated.model, spec.private_input);
    } else {
        generated.batch = labeled_batch(generated.model, batch_digits(spec.batch_size));
        generated.circuit = generate_private_model_circuit(generated.model, *generated.batch, spec.private_model);
    }
    return generated;
}

fs::path lock_file(const fs::path& folder) { return folder / "zokml.lock.json"; }
fs::path sources_folder(const fs::path& folder) { return folder / "circuit"; }
fs::path keys_folder(const fs::path& folder) { return folder / "keys"; }

CircuitLock read_lock(const fs::path& folder) {
    const fs::path file = lock_file(folder);
    if (!fs::exists(file))
        throw InputError(file, "(file)", "no lock file: not a circuit folder (run zokml generate or zokml build first)");
    const json document = read_json_file(file);
    return input_errors_named(file, [&] {
        const Fields fields(document, file, "");
        if (document.value("format", "") != kLockFormat || document.value("version", 0) != 1)
            fields.fail("format", "expected \"zokml-lock\" version 1");
        CircuitLock lock;
        lock.spec = CircuitSpec::from_json(fields.required("spec"), folder, file, "spec");
        lock.model_fingerprint = fields.text("model_fingerprint");
        lock.batch_fingerprint = fields.text_or("batch_fingerprint", "");
        lock.circuit_fingerprint = fields.text("circuit_fingerprint");
        lock.main_file = fields.text_or("main_file", "main.zok");
        if (const json* compiled = fields.find("compiled")) {
            const Fields c(*compiled, file, "compiled");
            lock.compiled = CircuitLock::Compiled{c.text("key"), c.count("constraints", 0, 0, SIZE_MAX), c.text("toolchain")};
        }
        if (const json* keys = fields.find("keys")) {
            const Fields k(*keys, file, "keys");
            lock.keys = CircuitLock::Keys{k.text("key"), k.text("program_key"), scheme_from_string(k.text("scheme"))};
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
    if (lock.keys)
        document["keys"] = {{"key", lock.keys->key}, {"program_key", lock.keys->program_key},
                            {"scheme", to_string(lock.keys->scheme)}};
    fs::create_directories(folder);
    write_file_atomically(lock_file(folder), document.dump(2) + "\n");
}

Circuit read_sources(const fs::path& folder, const std::string& main_file) {
    const fs::path dir = sources_folder(folder);
    if (!fs::is_directory(dir)) throw InputError(dir, "(folder)", "no generated sources (run zokml generate or zokml build)");
    Circuit circuit;
    circuit.main_file = main_file;
    for (const auto& item : fs::recursive_directory_iterator(dir))
        if (item.is_regular_file())
            circuit.files[item.path().lexically_relative(dir).generic_string()] = read_file(item.path());
    return circuit;
}

namespace {

std::optional<CircuitLock> try_read_lock(const fs::path& folder) {
    try {
        return read_lock(folder);
    } catch (const InputError&) {
        return std::nullopt;
    }
}

std::string fingerprint_on_disk(const fs::path& folder, const std::string& main_file) {
    try {
        return read_sources(folder, main_file).fingerprint();
    } catch (const std::exception&) {
        return "";
    }
}

}  // namespace

CircuitLock write_generated(const CircuitSpec& spec, const GeneratedCircuit& generated) {
    const fs::path& folder = spec.output;
    const std::optional<CircuitLock> old = try_read_lock(folder);
    CircuitLock lock;
    lock.spec = spec;
    lock.model_fingerprint = generated.model.fingerprint();
    lock.batch_fingerprint = generated.batch ? generated.batch->fingerprint() : "";
    lock.circuit_fingerprint = generated.circuit.fingerprint();
    lock.main_file = generated.circuit.main_file;
    if (fingerprint_on_disk(folder, lock.main_file) == lock.circuit_fingerprint &&
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
    lock.compiled = CircuitLock::Compiled{compiled.key, compiled.program.constraints, store.toolchain_version(toolchain)};
    write_lock(folder, lock);
    return compiled;
}

Manifest load_manifest(const fs::path& file) {
    const json document = read_json_file(file);
    Manifest manifest;
    manifest.file = file;
    const fs::path base = file.parent_path();
    const Fields fields(document, file, "");
    fields.only({"circuits"});
    const json& circuits = fields.required("circuits");
    if (!circuits.is_array()) fields.fail("circuits", "expected an array");
    std::set<std::string> names;
    std::set<fs::path> outputs;
    for (std::size_t i = 0; i < circuits.size(); ++i) {
        const std::string field = fmt::format("circuits[{}]", i);
        CircuitSpec spec = CircuitSpec::from_json(circuits[i], base, file, field);
        if (!names.insert(spec.name).second) throw InputError(file, field + ".name", "'" + spec.name + "' is used twice");
        if (!outputs.insert(fs::absolute(spec.output).lexically_normal()).second)
            throw InputError(file, field + ".output", "another circuit writes into " + spec.output.string());
        manifest.circuits.push_back(std::move(spec));
    }
    return manifest;
}

namespace {

// What differs between spec.output and what spec generates now. compile_key, when given, is
// the key the sources generated now compile under with the toolchain at hand.
CircuitStatus compare(const CircuitSpec& spec, const GeneratedCircuit& generated,
                      const std::optional<std::string>& compile_key) {
    CircuitStatus status;
    status.name = spec.name;
    status.output = spec.output;
    status.circuit_fingerprint = generated.circuit.fingerprint();
    const fs::path& folder = spec.output;
    const std::optional<CircuitLock> lock = try_read_lock(folder);
    if (!lock) {
        status.changes.push_back(fs::exists(lock_file(folder)) ? "unreadable lock file" : "not generated yet");
        return status;
    }
    if (settings_of(lock->spec, folder) != settings_of(spec, folder)) status.changes.push_back("settings changed");
    if (lock->model_fingerprint != generated.model.fingerprint()) status.changes.push_back("model changed");
    if (generated.batch && lock->batch_fingerprint != generated.batch->fingerprint())
        status.changes.push_back("batch changed");
    if (fingerprint_on_disk(folder, generated.circuit.main_file) != status.circuit_fingerprint)
        status.changes.push_back("sources differ from what the model generates now");
    else if (lock->circuit_fingerprint != status.circuit_fingerprint)
        status.changes.push_back("lock file out of date");
    if (lock->compiled) status.constraints = lock->compiled->constraints;
    if (compile_key && (!lock->compiled || lock->compiled->key != *compile_key))
        status.changes.push_back("not compiled with this toolchain");
    return status;
}

}  // namespace

std::vector<CircuitStatus> check_manifest(const Manifest& manifest) {
    std::vector<CircuitStatus> statuses;
    for (const auto& spec : manifest.circuits) statuses.push_back(compare(spec, generate_circuit(spec), std::nullopt));
    return statuses;
}

std::vector<CircuitStatus> build_manifest(const Manifest& manifest, const Toolchain* toolchain, const ArtifactStore* store) {
    const bool compiling = toolchain && store;
    std::vector<CircuitStatus> statuses;
    for (const auto& spec : manifest.circuits) {
        const GeneratedCircuit generated = generate_circuit(spec);
        std::optional<std::string> key;
        if (compiling) key = ArtifactStore::compile_key(generated.circuit.fingerprint(), store->toolchain_version(*toolchain));
        CircuitStatus status = compare(spec, generated, key);
        if (!status.up_to_date()) {
            write_generated(spec, generated);
            if (compiling) {
                const auto compiled = compile_folder(spec.output, *toolchain, *store);
                status.compile = compiled.outcome;
                status.constraints = compiled.program.constraints;
            }
        }
        statuses.push_back(std::move(status));
    }
    return statuses;
}

}  // namespace zokml
