#include <catch2/catch.hpp>

#include <algorithm>

#include "zokml/core/files.hpp"
#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/project/manifest.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/model/model.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A folder with two copies of the small example model and a manifest of one circuit per copy.
struct Project {
    test::TempDir dir;
    fs::path manifest_file = dir / "zokml.json";

    Project() {
        fs::create_directories(dir / "models");
        fs::copy_file(test::example_model("mnist-784-16-10.json"), dir / "models" / "a.json");
        fs::copy_file(test::example_model("mnist-784-16-10.json"), dir / "models" / "b.json");
        write({{{"name", "a"}, {"model", "models/a.json"}, {"output", "circuits/a"}},
               {{"name", "b"}, {"model", "models/b.json"}, {"variant", "private-input"},
                {"options", {{"expose_logits", true}}}, {"output", "circuits/b"}}});
    }
    void write(const json& circuits) const {
        write_file_atomically(manifest_file, json{{"circuits", circuits}}.dump(2));
    }
    Manifest manifest() const { return load_manifest(manifest_file); }
    void change_a_weight(const std::string& model) const {
        Model m = load_model(dir / "models" / model);
        m.layers[0].dense.weights[100] += 0.5;
        save_model(m, dir / "models" / model);
    }
};

const CircuitStatus& status_of(const std::vector<CircuitStatus>& statuses, const std::string& name) {
    return *std::find_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.name == name; });
}

bool has_change(const CircuitStatus& status, const std::string& change) {
    return std::find(status.changes.begin(), status.changes.end(), change) != status.changes.end();
}

std::string input_error_field(const Project& project) {
    try {
        project.manifest();
    } catch (const InputError& e) {
        CHECK(e.file() == project.manifest_file);
        return e.field();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("manifest paths are relative to the manifest's folder and options take their defaults", "[manifest]") {
    const Project project;
    const Manifest manifest = project.manifest();
    REQUIRE(manifest.circuits.size() == 2);
    const CircuitSpec& a = manifest.circuits[0];
    CHECK(a.name == "a");
    CHECK(a.model == project.dir / "models" / "a.json");
    CHECK(a.output == project.dir / "circuits" / "a");
    CHECK(a.settings == CircuitSettings{});
    CHECK(manifest.circuits[1].settings.private_input.expose_logits);
}

TEST_CASE("manifest errors name the file and the field", "[manifest]") {
    const Project project;
    const json model = "models/a.json";
    project.write({{{"name", "a"}, {"model", model}, {"output", "x"}, {"options", {{"chunk_sise", 8}}}}});
    CHECK(input_error_field(project) == "circuits[0].options.chunk_sise");
    project.write({{{"name", "a"}, {"model", model}, {"output", "x"}, {"options", {{"group_size", 8}}}}});
    CHECK(input_error_field(project) == "circuits[0].options.group_size");  // a private-model option
    project.write({{{"name", "a"}, {"model", model}, {"output", "x"}, {"variant", "public-everything"}}});
    CHECK(input_error_field(project) == "circuits[0].variant");
    project.write({{{"name", "a"}, {"output", "x"}}});
    CHECK(input_error_field(project) == "circuits[0].model");
    project.write({{{"name", "a"}, {"model", model}, {"output", "x"}}, {{"name", "a"}, {"model", model}, {"output", "y"}}});
    CHECK(input_error_field(project) == "circuits[1].name");
    project.write({{{"name", "a"}, {"model", model}, {"output", "x"}}, {{"name", "b"}, {"model", model}, {"output", "x/"}}});
    CHECK(input_error_field(project) == "circuits[1].output");
}

TEST_CASE("a circuit's spec round-trips through its lock file", "[manifest]") {
    const Project project;
    const CircuitSpec spec = project.manifest().circuits[1];
    const CircuitLock written = write_generated(spec, generate_circuit(spec));
    const CircuitLock read = read_lock(spec.output);
    CHECK(read.spec.to_json(spec.output) == spec.to_json(spec.output));
    CHECK(read.spec.model == spec.model);
    CHECK(read.circuit_fingerprint == written.circuit_fingerprint);
    CHECK(read.model_fingerprint == quantize(load_model(spec.model)).fingerprint());
    CHECK(read_sources(spec.output).fingerprint() == written.circuit_fingerprint);
    CHECK(read.spec.to_json(spec.output)["model"] == "../../models/b.json");  // relative: the folder can be committed
}

TEST_CASE("a build generates the missing circuits, then finds them up to date", "[manifest]") {
    const Project project;
    const auto first = build_manifest(project.manifest());
    REQUIRE(first.size() == 2);
    CHECK(has_change(first[0], "not generated yet"));
    CHECK_FALSE(first[0].compile);  // no toolchain: sources only
    CHECK(fs::exists(project.dir / "circuits" / "a" / "circuit" / "main.zok"));
    CHECK(fs::exists(project.dir / "circuits" / "a" / "zokml.lock.json"));
    for (const auto& status : build_manifest(project.manifest())) CHECK(status.up_to_date());
    for (const auto& status : check_manifest(project.manifest())) CHECK(status.up_to_date());
}

TEST_CASE("a changed weight makes exactly its circuit stale, and a build regenerates only that one", "[manifest]") {
    const Project project;
    build_manifest(project.manifest());
    const auto untouched = fs::last_write_time(project.dir / "circuits" / "a" / "zokml.lock.json");
    project.change_a_weight("b.json");

    const auto checked = check_manifest(project.manifest());
    CHECK(status_of(checked, "a").up_to_date());
    CHECK(has_change(status_of(checked, "b"), "model changed"));
    CHECK(has_change(status_of(checked, "b"), "sources differ from what the model generates now"));

    const auto built = build_manifest(project.manifest());
    CHECK(status_of(built, "a").up_to_date());
    CHECK_FALSE(status_of(built, "b").up_to_date());
    CHECK(fs::last_write_time(project.dir / "circuits" / "a" / "zokml.lock.json") == untouched);
    for (const auto& status : check_manifest(project.manifest())) CHECK(status.up_to_date());
}

TEST_CASE("changed settings and hand-edited sources are stale; check writes nothing", "[manifest]") {
    const Project project;
    build_manifest(project.manifest());
    const fs::path main_zok = project.dir / "circuits" / "a" / "circuit" / "main.zok";
    write_file_atomically(main_zok, read_file(main_zok) + "// edited\n");
    project.write({{{"name", "a"}, {"model", "models/a.json"}, {"output", "circuits/a"}},
                   {{"name", "b"}, {"model", "models/b.json"}, {"options", {{"chunk_size", 112}}}, {"output", "circuits/b"}}});
    const auto checked = check_manifest(project.manifest());
    CHECK(status_of(checked, "a").changes == std::vector<std::string>{"sources differ from what the model generates now"});
    CHECK(has_change(status_of(checked, "b"), "settings changed"));
    CHECK(read_file(main_zok).ends_with("// edited\n"));
    build_manifest(project.manifest());
    CHECK_FALSE(read_file(main_zok).ends_with("// edited\n"));
}

TEST_CASE("regenerating unchanged sources keeps the compiled and keys records; changed sources drop them", "[manifest]") {
    const Project project;
    const CircuitSpec spec = project.manifest().circuits[0];
    const GeneratedCircuit generated = generate_circuit(spec);
    CircuitLock lock = write_generated(spec, generated);
    lock.compiled = CircuitLock::Compiled{"k", 7776, "ZoKrates 0.8.8"};
    lock.keys = CircuitLock::Keys{"keys", "k", Scheme::G16};
    write_lock(spec.output, lock);
    fs::create_directories(keys_folder(spec.output));
    write_file_atomically(keys_folder(spec.output) / "verification.key", "{}");

    CHECK(write_generated(spec, generated).compiled);
    CHECK(read_lock(spec.output).keys);
    CHECK(fs::exists(keys_folder(spec.output) / "verification.key"));

    project.change_a_weight("a.json");
    const CircuitLock changed = write_generated(spec, generate_circuit(spec));
    CHECK_FALSE(changed.compiled);
    CHECK_FALSE(changed.keys);
    CHECK_FALSE(fs::exists(keys_folder(spec.output)));
}

TEST_CASE("a private-model circuit records its public batch", "[manifest]") {
    const Project project;
    project.write({{{"name", "pm"}, {"model", "models/a.json"}, {"variant", "private-model"},
                    {"options", {{"batch_size", 3}, {"group_size", 3}}}, {"output", "circuits/pm"}}});
    build_manifest(project.manifest());
    const CircuitLock lock = read_lock(project.dir / "circuits" / "pm");
    CHECK(lock.spec.settings.variant == Variant::PrivateModel);
    CHECK(lock.spec.settings.batch_size == 3);
    const LabeledBatch batch = public_batch(quantize(load_model(project.dir / "models" / "a.json")), 3);
    CHECK(lock.batch_fingerprint == batch.fingerprint());
    CHECK(batch.inputs.size() == 3);
    CHECK(batch.labels[1] != batch.labels[0]);  // spread over the held-out set
}

TEST_CASE("a folder without a lock file is no circuit folder", "[manifest]") {
    const test::TempDir dir;
    try {
        read_lock(dir.path());
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.file() == lock_file(dir.path()));
        CHECK_THAT(e.reason(), Catch::Contains("zokml generate"));
    }
}
