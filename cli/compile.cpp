// zokml compile: a circuit folder's sources compiled (or found compiled in the artifact cache).
#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int compile(const Args& args, const Output& out) {
    compile_step(folder_from(args), toolchain_from(args), store_from(args)).print(out);
    return kOk;
}

}  // namespace

Subcommand compile_command() {
    return {"compile",
            "compile a circuit folder's sources, reusing the cached program when they are unchanged",
            "[--dir DIR] [--cache-dir DIR] [--zokrates FILE]",
            "The compiled program stays in the artifact cache, keyed by the sources' fingerprint and the\n"
            "toolchain's version; its constraint count is recorded in DIR/zokml.lock.json.",
            options({folder_option("the circuit folder (default: the current folder)"), cache_option(), zokrates_option()}),
            0,
            compile};
}

}  // namespace zokml::cli
