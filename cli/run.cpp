// zokml run: every step for a model and a private input: generate, compile, setup, prove, verify.
#include <fmt/format.h>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int run(const Args& args, const Output& out) {
    const std::filesystem::path folder = args.get_or("dir", "work/zokml");
    const CircuitSpec spec = spec_from(args, folder);
    const ProofRequest request = proof_request_from(args);
    check_proof_request(spec, request);  // every argument checked before anything is written
    const SetupChoice setup = setup_choice_from(args, spec.settings.backend);
    const Toolchain toolchain = toolchain_from(args);
    const ArtifactStore store = store_from(args);

    nlohmann::json steps = nlohmann::json::object();
    const auto done = [&](const StepResult& step) {
        out.text(step.line());
        steps[step.step] = step.to_json();
        return step;
    };
    out.text(fmt::format("model {} ({}), circuit folder {}", spec.name, to_string(spec.settings.variant), folder.string()));
    done(generate_step(spec));
    done(compile_step(folder, toolchain, store));
    done(setup_step(folder, setup, toolchain, store));
    const std::filesystem::path proof = args.get_or("proof", (folder / "proof.json").string());
    const StepResult proved = done(prove_step(folder, request, proof, toolchain, store));
    const StepResult verified = done(verify_step(verification_key_file(folder), proof, toolchain, folder, std::nullopt, store));
    const bool passed = verified.details["verified"].get<bool>();
    out.text("proof: " + proved.details["proof"].get<std::string>());
    out.result({{"folder", folder.string()},
                {"model", spec.model.string()},
                {"variant", to_string(spec.settings.variant)},
                {"steps", steps},
                {"public", proved.details["public"]},
                {"verified", passed}});
    return passed ? kOk : kVerificationFailed;
}

}  // namespace

Subcommand run_command() {
    return {"run",
            "generate, compile, set up, prove and verify in one go (compile and setup come from the cache when unchanged)",
            "--model FILE (--input FILE | --input - | --digit N) [--dir DIR] [options]",
            "The circuit folder defaults to work/zokml. A second run on an unchanged model and settings\n"
            "reuses the compiled program and keys from the artifact cache: only the proof is computed.",
            options({model_options(), circuit_options(), batch_options(), folder_option("the circuit folder (default: work/zokml)"),
                     setup_options(), prove_options(), cache_option(), zokrates_option()}),
            0,
            run};
}

}  // namespace zokml::cli
