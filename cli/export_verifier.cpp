// zokml export-verifier: a Solidity contract that verifies the circuit's proofs.
#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int export_verifier(const Args& args, const Output& out) {
    const auto folder = folder_from(args);
    const Keypair keypair = verification_keypair(verification_key_from(args, folder));
    const std::filesystem::path file = args.get_or("out", (folder / "verifier.sol").string());
    const Toolchain toolchain = toolchain_from(args);
    const ScratchFolder scratch(std::filesystem::temp_directory_path());
    write_text(file, toolchain.export_verifier(keypair, scratch.path()));
    out.result({{"verifier", file.string()}, {"scheme", to_string(keypair.scheme)}});
    out.text("verifier: " + file.string());
    return kOk;
}

}  // namespace

Subcommand export_verifier_command() {
    return {"export-verifier",
            "write a Solidity verifier contract for the circuit's verification key",
            "[--dir DIR] [--vk FILE] [--out FILE]",
            "",
            options({folder_option("the circuit folder (default: the current folder)"), vk_option(),
                     {{"out", "FILE", "where to write the contract (default: DIR/verifier.sol)"}}, zokrates_option()}),
            0,
            export_verifier};
}

}  // namespace zokml::cli
