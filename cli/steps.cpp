#include "steps.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "zokml/core/errors.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/folder_proof.hpp"
#include "zokml/project/proof_verification.hpp"

namespace zokml::cli {

namespace fs = std::filesystem;
using nlohmann::json;

std::string StepResult::line() const {
    return fmt::format("{:<10} {:7.2f} s{}", step, seconds, note.empty() ? "" : "  (" + note + ")");
}

json StepResult::to_json() const {
    json j = details;
    j["seconds"] = seconds;
    return j;
}

void StepResult::print(const Output& out, const std::string& file_key) const {
    out.result(to_json());
    // A step run on its own says which circuit folder it is about.
    out.text(details.contains("folder") ? fmt::format("{}  [{}]", line(), details.at("folder").get<std::string>()) : line());
    if (!file_key.empty()) {
        std::string label = file_key;
        std::replace(label.begin(), label.end(), '_', ' ');
        out.text(label + ": " + details.at(file_key).get<std::string>());
    }
}

StepResult generate_step(const CircuitSpec& spec) {
    StepResult r("generate");
    const auto lock = timed(r.step, false, r.seconds, [&] { return write_generated(spec, generate_circuit(spec)); });
    const std::size_t modules = read_sources(spec.output, lock.main_file).files.size();
    r.note = fmt::format("{} modules", modules);
    r.details = {{"folder", spec.output.string()},
                 {"variant", to_string(spec.settings.variant)},
                 {"modules", modules},
                 {"sources", sources_folder(spec.output).string()},
                 {"model_fingerprint", lock.model_fingerprint},
                 {"circuit_fingerprint", lock.circuit_fingerprint}};
    return r;
}

StepResult compile_step(const fs::path& folder, const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("compile");
    const auto compiled = timed(r.step, true, r.seconds, [&] { return compile_folder(folder, toolchain, store); });
    r.note = fmt::format("{} constraints, cache {}", compiled.program.constraints, to_string(compiled.outcome));
    r.details = {{"folder", folder.string()},
                 {"constraints", compiled.program.constraints},
                 {"cache", to_string(compiled.outcome)},
                 {"key", compiled.key},
                 {"program", compiled.program.program.string()}};
    return r;
}

StepResult setup_step(const fs::path& folder, const SetupChoice& choice, const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("setup");
    r.details = {{"folder", folder.string()},
                 {"scheme", to_string(choice.scheme)},
                 {"backend", to_string(choice.backend)},
                 {"proving_key", (keys_folder(folder) / "proving.key").string()},
                 {"verification_key", (keys_folder(folder) / "verification.key").string()}};
    const FolderSetup keys = timed(r.step, true, r.seconds, [&] { return setup_folder_keys(folder, choice, toolchain, store); });
    if (keys.single_party) {
        r.note = fmt::format("g16, snarkjs, single party: a contribution and a beacon drawn here{}",
                             choice.ptau ? "" : ", on zokml's own powers of tau");
        r.details["contributions"] = read_lock(folder).keys->ceremony->to_json().at("contributions");
        r.details["single_party"] = true;
        return r;
    }
    r.note = fmt::format("{}, {}, cache {}", to_string(choice.scheme), to_string(choice.backend), to_string(keys.cache));
    r.details["cache"] = to_string(keys.cache);
    r.details["key"] = keys.key;
    return r;
}

StepResult prove_step(const fs::path& folder, const ProofRequest& request, const fs::path& proof_file,
                      const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("prove");
    const ModelProof proven = timed(r.step, true, r.seconds, [&] { return prove_folder(folder, request, toolchain, store); });
    const auto previous = keep_previous(proof_file);
    write_text(proof_file, dump_json(proven.proof.to_json(), 2) + "\n");
    r.note = describe(proven.public_output);
    r.details = {{"folder", folder.string()}, {"proof", proof_file.string()}, {"public", to_json(proven.public_output)}};
    if (previous) {
        r.note += fmt::format("; the previous proof kept as {}", previous->string());
        r.details["previous_proof"] = previous->string();
    }
    if (request.digit) {  // a held-out digit's label is known: show it beside what the proof reveals
        const int label = held_out_digits().at(*request.digit).label;
        r.note += fmt::format(", digit {} is a {}", *request.digit, label);
        r.details["label"] = label;
    }
    return r;
}

StepResult verify_step(const fs::path& verification_key, const fs::path& proof_file, const Toolchain& toolchain,
                       const std::optional<fs::path>& folder, std::optional<Backend> backend, const ArtifactStore& store) {
    StepResult r("verify");
    const Proof proof = read_proof(proof_file);
    const ProofVerdict verdict = timed(r.step, false, r.seconds, [&] {
        return verify_proof(verification_key, proof, proof_file, toolchain, folder, backend, store);
    });
    r.note = verdict.verified ? "PASSED" : "FAILED";
    json inputs = json::array();
    for (const auto& input : proof.inputs) inputs.push_back(input.to_decimal());
    r.details = {{"verified", verdict.verified},
                 {"backend", to_string(verdict.backend)},
                 {"proof", proof_file.string()},
                 {"verification_key", verification_key.string()},
                 {"public_inputs", inputs}};
    if (folder) {
        r.details["folder"] = folder->string();
        if (verdict.setup) r.details["setup"] = *verdict.setup;
        if (verdict.public_output) r.details["public"] = to_json(*verdict.public_output);
    }
    return r;
}

}  // namespace zokml::cli
