// zokml setup: proving and verification keys for a circuit folder's program.
#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int setup(const Args& args, const Output& out) {
    const Scheme scheme = scheme_from(args);  // usage errors before any other
    setup_step(folder_from(args), scheme, toolchain_from(args), store_from(args)).print(out, "verification_key");
    return kOk;
}

}  // namespace

Subcommand setup_command() {
    return {"setup",
            "set up proving and verification keys, reusing the cached ones for an unchanged program",
            "[--dir DIR] [--scheme g16|gm17] [--cache-dir DIR] [--zokrates FILE]",
            "Compiles first when the program is not in the cache. The keys are linked (or copied) into\n"
            "DIR/keys/ from the artifact cache, keyed by the program's SHA-256, the scheme and the toolchain.",
            options({folder_option("the circuit folder (default: the current folder)"), scheme_option(), cache_option(),
                     zokrates_option()}),
            0,
            setup};
}

}  // namespace zokml::cli
