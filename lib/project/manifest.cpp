#include "zokml/project/manifest.hpp"

#include <fmt/format.h>

#include <set>

#include "json_fields.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"

namespace zokml {

namespace fs = std::filesystem;
using detail::Fields;
using nlohmann::json;

Manifest load_manifest(const fs::path& file) {
    const json document = read_json_file(file);
    Manifest manifest;
    manifest.file = file;
    const fs::path base = file.has_parent_path() ? file.parent_path() : fs::path(".");  // "zokml.json": the working folder
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
    const std::optional<CircuitLock> lock = find_lock(folder);
    if (!lock) {
        status.changes.push_back(fs::exists(lock_file(folder)) ? "unreadable lock file" : "not generated yet");
        return status;
    }
    const auto same_file = [](const fs::path& a, const fs::path& b) {
        return fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
    };
    if (lock->spec.settings != spec.settings || !same_file(lock->spec.model, spec.model))
        status.changes.push_back("settings changed");
    if (lock->model_fingerprint != generated.model.fingerprint()) status.changes.push_back("model changed");
    if (generated.batch && lock->batch_fingerprint != generated.batch->fingerprint())
        status.changes.push_back("batch changed");
    if (sources_fingerprint(folder, generated.circuit.main_file) != status.circuit_fingerprint)
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
