// zokml verify: PASSED (exit code 0) or FAILED (exit code 1) for a proof and a verification key.
#include <fmt/format.h>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int verify(const Args& args, const Output& out) {
    const auto folder = folder_from(args);
    const StepResult step = verify_step(verification_key_from(args, folder), args.get_or("proof", (folder / "proof.json").string()),
                                        toolchain_from(args), folder);
    step.print(out);
    if (step.details.contains("public") && !step.details["public"].empty())
        out.text("public: " + step.details["public"].dump());
    return step.details["verified"].get<bool>() ? kOk : kVerificationFailed;
}

}  // namespace

Subcommand verify_command() {
    return {"verify",
            "verify a proof: exit code 0 when it PASSED, 1 when it FAILED",
            "[--dir DIR] [--proof FILE] [--vk FILE]",
            "Needs only the proof and the verification key (by default DIR/proof.json and\n"
            "DIR/keys/verification.key); with a circuit folder, also decodes the public values.",
            options({folder_option("the circuit folder (default: the current folder)"),
                     {{"proof", "FILE", "the proof (default: DIR/proof.json)"}}, vk_option(), zokrates_option()}),
            0,
            verify};
}

}  // namespace zokml::cli
