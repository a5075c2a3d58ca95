// zokml export-verifier: a contract that verifies the circuit's proofs, in Solidity (Ethereum)
// or sCrypt (Bitcoin SV).
#include <stdexcept>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/verifier/scrypt_verifier.hpp"

namespace zokml::cli {
namespace {

int export_verifier(const Args& args, const Output& out) {
    const std::string target = args.get_or("target", "solidity");
    if (target != "solidity" && target != "scrypt") throw UsageError("--target: expected solidity or scrypt, got '" + target + "'");
    const bool solidity = target == "solidity";
    const auto folder = folder_from(args);
    const Keypair keypair = verification_keypair(verification_key_from(args, folder));
    const std::filesystem::path file = args.get_or("out", (folder / (solidity ? "verifier.sol" : "verifier.ts")).string());
    std::string contract;
    if (solidity) {
        const Toolchain toolchain = toolchain_from(args);
        const ScratchFolder scratch(std::filesystem::temp_directory_path());
        contract = toolchain.export_verifier(keypair, scratch.path());
    } else {
        try {
            contract = generate_scrypt_verifier(keypair.verification_key);
        } catch (const std::invalid_argument& e) {
            throw InputError(keypair.verification_key_file, "scheme", e.what());
        }
    }
    write_text(file, contract);
    out.result({{"verifier", file.string()}, {"target", target}, {"scheme", to_string(keypair.scheme)}});
    out.text("verifier: " + file.string());
    return kOk;
}

}  // namespace

Subcommand export_verifier_command() {
    return {"export-verifier",
            "write a verifier contract (Solidity or sCrypt) for the circuit's verification key",
            "[--dir DIR] [--vk FILE] [--target solidity|scrypt] [--out FILE]",
            "--target solidity (the default): ZoKrates' Solidity verifier, for g16 and gm17 keys on bn128\n"
            "(docs/solidity.md; `zokml calldata` prints the call of its verifyTx for a proof).\n"
            "--target scrypt: an sCrypt contract (scrypt-ts) for Bitcoin SV, for g16 keys on bn128 only\n"
            "(docs/scrypt.md).",
            options({folder_option("the circuit folder (default: the current folder)"), vk_option(),
                     {{"target", "T", "solidity (default) or scrypt"},
                      {"out", "FILE", "where to write the contract (default: DIR/verifier.sol, or DIR/verifier.ts for scrypt)"}},
                     zokrates_option()}),
            0,
            export_verifier};
}

}  // namespace zokml::cli
