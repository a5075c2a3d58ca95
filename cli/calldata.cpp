// zokml calldata: the call of the exported Solidity verifier's verifyTx for a proof, as cast,
// web3 and remix take it.
#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/verifier/calldata.hpp"

namespace zokml::cli {
namespace {

int calldata(const Args& args, const Output& out) {
    if (args.positional().size() != 1) throw UsageError("give the proof file: zokml calldata PROOF");
    const std::string format = args.get_or("format", "hex");
    if (format != "hex" && format != "remix") throw UsageError("--format: expected hex or remix, got '" + format + "'");
    args.at_most_one_of({"dir", "vk"});
    const std::filesystem::path file = args.positional()[0];
    const Proof proof = read_proof(file);
    if (args.has("vk") || args.has("dir"))
        check_canonical(proof, verification_keypair(verification_key_from(args, folder_from(args))).verification_key, file);
    else
        check_canonical_points(proof, file);
    const VerifyTxCall call = VerifyTxCall::from_proof(proof);  // canonical: VerifyTxCall takes it
    out.text(format == "hex" ? call.calldata_hex() : call.to_json().dump());
    out.result({{"calldata", call.calldata_hex()}, {"arguments", call.to_json()}, {"signature", call.signature()}});
    return kOk;
}

}  // namespace

Subcommand calldata_command() {
    return {"calldata",
            "print the call of the Solidity verifier's verifyTx for a proof (for cast, web3, remix)",
            "PROOF [--format hex|remix] [--dir DIR | --vk FILE]",
            "Prints one line: by default the transaction's call data in hex (selector and ABI-encoded\n"
            "arguments), which `cast call ADDRESS --data \"$(zokml calldata proof.json)\"` and web3's\n"
            "eth_call({to, data}) send as is; with --format remix, verifyTx's arguments as JSON\n"
            "([[a, b, c], [input, ...]]), as remix, ethers and web3 take them. --json prints both and the\n"
            "signature. A g16 or gm17 proof on bn128 (the contract `zokml export-verifier` writes), checked\n"
            "first as verify checks it (coordinates below q, points in G1 and G2; with --dir or --vk also\n"
            "the key's scheme and number of public inputs): exit code 3 naming the field otherwise.",
            options({{{"format", "F", "hex (the call data, default) or remix (verifyTx's arguments as JSON)"}},
                     folder_option("a circuit folder whose verification key the proof is checked against"), vk_option()}),
            1,
            calldata};
}

}  // namespace zokml::cli
