// A split folder's files: set up (the programs compiled, their keys and the public batch written)
// and read back, each proving key checked against the SHA-256 recorded at setup.
#include "zokml/split/folder.hpp"

#include <fmt/format.h>

#include <string>

#include "project/json_fields.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/data/batch.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSplitFormat = "zokml-split";
constexpr int kSplitVersion = 3;   // 3: the part programs take the part's salt (hiding commitments)

fs::path program_folder(const fs::path& folder, const std::string& name) { return folder / "programs" / name; }
fs::path build_folder(const fs::path& folder, const std::string& name) { return folder / "build" / name; }
fs::path abi_path(const fs::path& folder, const std::string& name) { return folder / "abi" / (name + ".json"); }
fs::path key_folder(const fs::path& folder, const std::string& name) { return folder / "keys" / name; }
fs::path batch_path(const fs::path& folder) { return folder / "batch.json"; }

}  // namespace

fs::path split_file(const fs::path& folder) { return folder / "zokml.split.json"; }

namespace {

// Builds the plan's programs and writes the folder; `batch` is the public labelled batch of a
// private-model folder (kept in batch.json), empty otherwise.
SplitPrograms write_split_folder(const fs::path& folder, const PublishedLayout& layout, const SplitPlan& plan,
                                 const LabeledBatch& batch, const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs) {
    const SplitPrograms programs = build_split_programs(toolchain, store, plan, batch, Scheme::G16, jobs);
    json records = json::object();
    for (const auto& [name, compiled] : programs.compiled) {
        for (const auto& proof : sub_proofs(plan))
            if (proof.program.name() == name) generate_split_circuit(plan, proof.program, batch).write(program_folder(folder, name));
        link_or_copy(compiled.program, build_folder(folder, name) / "out");
        const Keypair& keys = programs.keys.at(name);
        link_or_copy(keys.proving_key, key_folder(folder, name) / "proving.key");
        link_or_copy(keys.verification_key_file, key_folder(folder, name) / "verification.key");
        make_private_dir(abi_path(folder, name).parent_path());
        write_file_atomically(abi_path(folder, name), compiled.abi.to_json().dump(2) + "\n");
        records[name] = {{"constraints", compiled.constraints},
                         {"scheme", to_string(keys.scheme)},
                         {"backend", to_string(keys.backend)},  // who made the keys, and so who proves with them
                         {"proving_key_sha256", sha256_hex(read_file(keys.proving_key))},
                         {"verification_key_sha256", verification_key_digest(keys.verification_key)}};
    }
    json document = {{"format", kSplitFormat},
                     {"version", kSplitVersion},
                     {"variant", to_string(plan.options.variant)},
                     {"layout", layout.to_json()},
                     {"batch_size", plan.batch_size},
                     {"options", split_options_json(plan.options)},
                     {"programs", records}};
    if (plan.options.variant == SplitVariant::PrivateModel) {
        document["batch_fingerprint"] = batch.fingerprint();
        write_file_atomically(batch_path(folder), labeled_batch_to_json(batch).dump() + "\n");
    }
    write_file_atomically(split_file(folder), dump_json(document, 2) + "\n");
    return programs;
}

}  // namespace

SplitPrograms setup_split_folder(const fs::path& folder, const PublishedLayout& layout, const LabeledBatch& batch,
                                 const SplitOptions& options, const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs) {
    if (options.variant != SplitVariant::PrivateModel) throw InputError("", "variant", "a labelled batch is for private-model folders");
    return write_split_folder(folder, layout, plan_split(layout.parts, batch, options, layout.model_name), batch, toolchain, store, jobs);
}

SplitPrograms setup_split_folder(const fs::path& folder, const PublishedLayout& layout, std::size_t inputs, SplitOptions options,
                                 const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs) {
    options.input_bits = layout.input_bits;
    return write_split_folder(folder, layout, plan_split(layout.parts, inputs, options, layout.model_name), {}, toolchain, store, jobs);
}

SplitFolder read_split_folder(const fs::path& folder, bool proving) {
    const fs::path file = split_file(folder);
    if (!fs::exists(file)) throw InputError(file, "(file)", "no split folder here (run zokml split-setup first)");
    const json document = read_json_file(file);
    const detail::Fields f(document, file, "");
    if (document.value("format", json()) != kSplitFormat || document.value("version", json()) != kSplitVersion)
        f.fail("format", fmt::format("expected \"zokml-split\" version {} (set up again a folder of an earlier version: its "
                                     "programs take no salt)", kSplitVersion));
    const SplitVariant variant = f.parsed("variant", split_variant_from);
    const bool labelled = variant == SplitVariant::PrivateModel;
    f.only(labelled ? std::vector<std::string>{"format", "version", "variant", "layout", "batch_size", "batch_fingerprint", "options", "programs"}
                    : std::vector<std::string>{"format", "version", "variant", "layout", "batch_size", "options", "programs"});
    SplitFolder split;
    split.layout = PublishedLayout::from_json(f.required("layout"), file);
    split.batch_size = f.count("batch_size", 0, 1, kMaxCount);
    split.options = split_options_from_json(f.required("options"), variant, file, "options");
    if (labelled) {
        split.batch = labeled_batch_from_json(read_json_file(batch_path(folder)), batch_path(folder));
        if (split.batch.inputs.size() != split.batch_size || split.batch.fingerprint() != f.text("batch_fingerprint"))
            throw InputError(batch_path(folder), "(file)", "not the batch the folder was set up for (its fingerprint differs)");
    }
    const json& programs = f.required("programs");
    if (!programs.is_object()) f.fail("programs", "expected an object");
    for (const auto& [name, record] : programs.items()) {
        // Names become paths (programs/NAME, keys/NAME): plan names only, nothing that climbs out.
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
            f.fail("programs", "'" + name + "' is not a program name (lower-case letters, digits and -)");
        const detail::Fields r(record, file, "programs." + name);
        CompiledProgram program;
        program.program = build_folder(folder, name) / "out";
        program.abi_file = abi_path(folder, name);
        program.constraints = r.count("constraints", 0, 0, SIZE_MAX);
        try {
            program.abi = Abi::from_json(read_json_file(program.abi_file));
        } catch (const std::invalid_argument& e) {
            throw InputError(program.abi_file, "(file)", std::string("not an ABI: ") + e.what());
        }
        Keypair keys = verification_keypair(key_folder(folder, name) / "verification.key");
        if (r.find("backend")) keys.backend = r.parsed("backend", backend_from_string);
        if (verification_key_digest(keys.verification_key) != r.text("verification_key_sha256"))
            r.fail("verification_key_sha256", "the folder's verification key is not the one set up");
        if (proving) {
            keys.proving_key = key_folder(folder, name) / "proving.key";
            if (!is_file_inside(keys.proving_key, folder) || !is_file_inside(program.program, folder))
                throw InputError(keys.proving_key, "(file)", "missing, or a link out of the folder: a prover needs the proving key and the program");
            if (sha256_hex(read_file(keys.proving_key)) != r.text("proving_key_sha256"))
                throw InputError(keys.proving_key, "(file)", "damaged: its SHA-256 is not the one split-setup recorded");
        }
        split.programs.compiled.emplace(name, std::move(program));
        split.programs.keys.emplace(name, std::move(keys));
    }
    return split;
}

}  // namespace zokml
