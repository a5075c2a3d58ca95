// zokml setup: proving and verification keys for a circuit folder's program, by ZoKrates (cached)
// or by snarkjs: on this machine alone, or in a ceremony of several parties in turn.
#include <fmt/format.h>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"
#include "zokml/project/ceremony.hpp"

namespace zokml::cli {
namespace {

void print_transcript(const Output& out, const std::vector<SetupContribution>& contributions) {
    for (const auto& c : contributions)
        out.text(fmt::format("  #{} {}: {}{}", c.index, c.beacon.empty() ? c.name : "beacon " + c.beacon, c.hash.substr(0, 32),
                             c.hash.size() > 32 ? "..." : ""));
}

int ceremony(const Args& args, const Output& out, const std::filesystem::path& folder) {
    if (args.has("ceremony")) {
        const SetupChoice choice = setup_choice_from(args, folder_settings_backend(folder));
        if (choice.backend != Backend::Snarkjs) throw UsageError("--ceremony goes with --backend snarkjs");
        double seconds = 0;
        timed("ceremony", true, seconds, [&] {
            start_ceremony(folder, choice.ptau, toolchain_from(args), store_from(args));
            return true;
        });
        out.text(fmt::format("ceremony   {:7.2f} s  (started{}; next: each party runs zokml setup --contribute in turn)", seconds,
                             choice.ptau ? "" : " on zokml's own single-party powers of tau"));
        out.result({{"folder", folder.string()}, {"started", true}, {"seconds", seconds}});
        return kOk;
    }
    if (args.has("contribute")) {
        double seconds = 0;
        const SetupContribution c = timed("contribute", true, seconds, [&] { return contribute_to_ceremony(folder, args.get_or("name", ""), toolchain_from(args), store_from(args)); });
        out.text(fmt::format("contribute {:7.2f} s  (#{} {})", seconds, c.index, c.name));
        out.text("contribution hash (publish it; check it in the final transcript): " + c.hash);
        out.result({{"folder", folder.string()}, {"contribution", c.to_json()}, {"seconds", seconds}});
        return kOk;
    }
    const std::string beacon = args.required("beacon");
    const auto iterations = static_cast<unsigned>(args.integer_or("iterations", kBeaconIterations, kMinBeaconIterations, kMaxBeaconIterations));
    double seconds = 0;
    const SetupTranscript transcript = timed(
        "finalize", true, seconds, [&] { return finalize_ceremony(folder, beacon, iterations, toolchain_from(args), store_from(args)); });
    out.text(fmt::format("finalize   {:7.2f} s  (transcript checked: {} contributions and the beacon)", seconds,
                         transcript.contributions.size() - 1));
    print_transcript(out, transcript.contributions);
    nlohmann::json contributions = nlohmann::json::array();
    for (const auto& c : transcript.contributions) contributions.push_back(c.to_json());
    out.result({{"folder", folder.string()}, {"contributions", contributions}, {"seconds", seconds},
                {"verification_key", (verification_key_file(folder)).string()}});
    return kOk;
}

int setup(const Args& args, const Output& out) {
    args.at_most_one_of({"ceremony", "contribute", "finalize"});
    const auto folder = folder_from(args);
    if (args.has("name") && !args.has("contribute")) throw UsageError("--name goes with --contribute");
    if ((args.has("beacon") || args.has("iterations")) && !args.has("finalize"))
        throw UsageError("--beacon and --iterations go with --finalize");
    if (args.has("ceremony") || args.has("contribute") || args.has("finalize")) return ceremony(args, out, folder);
    const SetupChoice choice = setup_choice_from(args, folder_settings_backend(folder));
    const StepResult step = setup_step(folder, choice, toolchain_from(args), store_from(args));
    step.print(out, "verification_key");
    if (step.details.contains("contributions")) out.text("single party: whoever ran this could forge proofs (docs/security.md)");
    return kOk;
}

}  // namespace

Subcommand setup_command() {
    return {"setup",
            "set up proving and verification keys: natively or by ZoKrates (cached), or by snarkjs, alone or in a ceremony",
            "[--dir DIR] [--scheme g16|gm17] [--backend native|zokrates|snarkjs] [--ptau FILE] [--cache-dir DIR] [--zokrates FILE]\n"
            "       zokml setup [--dir DIR] --backend snarkjs --ceremony [--ptau FILE]\n"
            "       zokml setup [--dir DIR] --contribute [--name NAME]\n"
            "       zokml setup [--dir DIR] --finalize --beacon HEX [--iterations N]",
            "Compiles first when the program is not in the cache. native (g16's default) and zokrates: the keys\n"
            "are linked (or copied) into DIR/keys/ from the artifact cache, keyed by the program's SHA-256,\n"
            "the scheme and who made them; native: zokml's own single-party setup in snarkjs' formats, proven\n"
            "by its native prover. snarkjs: a Groth16 phase-2 ceremony on a powers-of-tau file (--ptau, else zokml's own,\n"
            "made once and cached), by this machine alone; or started with --ceremony, then one\n"
            "--contribute per party in turn (each prints the hash its party publishes), then --finalize with\n"
            "a public random beacon announced after the last contribution: the transcript is checked and the\n"
            "keys written. Proving and verifying check the transcript again (once per machine). No single\n"
            "contributor can forge proofs as long as one of them destroyed its randomness (docs/security.md).",
            options({folder_option("the circuit folder (default: the current folder)"), setup_options(),
                     {{"ceremony", "", "snarkjs: start a ceremony of several parties"},
                      {"contribute", "", "add this party's contribution to the folder's ceremony"},
                      {"name", "NAME", "with --contribute: the name the transcript shows"},
                      {"finalize", "", "end the ceremony: the beacon, the transcript's check, the keys"},
                      {"beacon", "HEX", "with --finalize: the public random beacon, hex digits"},
                      {"iterations", "N", fmt::format("with --finalize: the beacon is hashed 2^N times ({} to {}, default {})", kMinBeaconIterations,
                                                        kMaxBeaconIterations, kBeaconIterations)}},
                     cache_option(), zokrates_option()}),
            0,
            setup};
}

}  // namespace zokml::cli
