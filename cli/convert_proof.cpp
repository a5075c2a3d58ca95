// zokml convert-proof: a Groth16 proof between ZoKrates' JSON (what zokml writes) and snarkjs' files.
#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/toolchain/snarkjs.hpp"
#include "zokml/toolchain/snarkjs_proof.hpp"

namespace zokml::cli {
namespace {

int convert_proof(const Args& args, const Output& out) {
    const std::string to = args.required("to");
    const std::filesystem::path target = args.required("out");
    if (to == "snarkjs") {
        if (args.has("public")) throw UsageError("--public goes with --to zokrates");
        const auto folder = folder_from(args);
        const std::filesystem::path proof_file = args.get_or("proof", (folder / "proof.json").string());
        const Keypair keypair = verification_keypair(verification_key_from(args, folder));
        if (keypair.scheme != Scheme::G16) throw InputError(keypair.verification_key_file, "scheme", "snarkjs takes g16 proofs only");
        const Proof proof = read_proof(proof_file);
        check_canonical(proof, keypair.verification_key, proof_file);
        make_private_dir(target);
        Snarkjs().to_snarkjs_files(proof, keypair.verification_key_file, target);
        out.text("snarkjs files: " + (target / "proof.json").string() + ", public.json, verification_key.json");
        out.result({{"folder", target.string()}});
        return kOk;
    }
    if (to != "zokrates") throw UsageError("--to: expected snarkjs or zokrates, got '" + to + "'");
    const std::filesystem::path proof_file = args.required("proof"), public_file = args.required("public");
    const Proof proof = read_snarkjs_proof(proof_file, public_file);
    // With a key, also the number of public inputs (else `verify` checks it).
    if (args.has("vk") || args.has("dir"))
        check_canonical(proof, verification_keypair(verification_key_from(args, folder_from(args))).verification_key, public_file);
    write_text(target, dump_json(proof.to_json(), 2) + "\n");
    out.text("proof: " + target.string());
    out.result({{"proof", target.string()}});
    return kOk;
}

}  // namespace

Subcommand convert_proof_command() {
    return {"convert-proof",
            "convert a Groth16 proof between zokml's JSON (ZoKrates') and snarkjs' files",
            "--to snarkjs [--dir DIR] [--proof FILE] [--vk FILE] --out DIR2 | --to zokrates --proof FILE --public FILE [--dir DIR | --vk FILE] --out FILE",
            "--to snarkjs writes DIR2/proof.json, public.json and verification_key.json, which\n"
            "`snarkjs groth16 verify verification_key.json public.json proof.json` checks (g16 on bn128 only).\n"
            "--to zokrates reads snarkjs' proof.json and public.json and writes the proof as zokml writes it;\n"
            "with --dir or --vk it also checks the number of public inputs against the verification key.\n"
            "Either way the proof is checked first: each coordinate below q, each point on its curve (b in\n"
            "G2's subgroup), snarkjs' z exactly 1, each public value below p (docs/security.md).",
            options({folder_option("the circuit folder (default: the current folder)"),
                     {{"to", "FORMAT", "snarkjs or zokrates"},
                      {"proof", "FILE", "the proof (--to snarkjs: default DIR/proof.json; --to zokrates: snarkjs' proof.json)"},
                      {"public", "FILE", "--to zokrates: snarkjs' public.json"},
                      {"out", "PATH", "--to snarkjs: a folder; --to zokrates: the proof file"}},
                     vk_option()}),
            0,
            convert_proof};
}

}  // namespace zokml::cli
