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
    r.details = generated_json(lock);
    r.details["folder"] = spec.output.string();
    r.details["modules"] = modules;
    r.details["sources"] = sources_folder(spec.output).string();
    return r;
}

StepResult compile_step(const fs::path& folder, const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("compile");
    const auto compiled = timed(r.step, true, r.seconds, [&] { return compile_folder(folder, toolchain, store); });
    r.note = fmt::format("{} constraints, cache {}", compiled.program.constraints, to_string(compiled.outcome));
    r.details = to_json(compiled);
    r.details["folder"] = folder.string();
    return r;
}

StepResult setup_step(const fs::path& folder, const SetupChoice& choice, const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("setup");
    const FolderSetup keys = timed(r.step, true, r.seconds, [&] { return setup_folder_keys(folder, choice, toolchain, store); });
    r.details = to_json(choice, keys);
    r.details["folder"] = folder.string();
    r.details["proving_key"] = (keys_folder(folder) / "proving.key").string();
    r.details["verification_key"] = (verification_key_file(folder)).string();
    if (keys.single_party) {
        r.note = fmt::format("g16, snarkjs, single party: a contribution and a beacon drawn here{}",
                             choice.ptau ? "" : ", on zokml's own powers of tau");
        r.details["contributions"] = read_lock(folder).keys->ceremony->to_json().at("contributions");
        return r;
    }
    r.note = fmt::format("{}, {}, cache {}", to_string(choice.scheme), to_string(choice.backend), to_string(keys.cache));
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
    const auto* digit = request.input ? std::get_if<HeldOutDigit>(&*request.input) : nullptr;
    if (digit) {  // a held-out digit's label is known: show it beside what the proof reveals
        const int label = held_out_digits().at(digit->index).label;
        r.note += fmt::format(", digit {} is a {}", digit->index, label);
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
    r.details = to_json(verdict);
    r.details["proof"] = proof_file.string();
    r.details["verification_key"] = verification_key.string();
    r.details["public_inputs"] = inputs;
    if (folder) r.details["folder"] = folder->string();
    return r;
}

}  // namespace zokml::cli
