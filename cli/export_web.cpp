// zokml export-web: a static site where a person proves a digit's class in the browser (docs/web.md).
#include <fmt/format.h>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"
#include "zokml/project/web_export.hpp"

namespace zokml::cli {
namespace {

int export_web_site(const Args& args, const Output& out) {
    if (args.positional().size() != 2) throw UsageError("give the circuit folder DIR and the site's folder OUT");
    const std::filesystem::path folder = args.positional()[0], site = args.positional()[1];
    StepResult r("export-web");
    const WebExport exported =
        timed(r.step, true, r.seconds, [&] { return export_web(folder, site, toolchain_from(args), store_from(args)); });
    r.note = fmt::format("{} files, {:.1f} MB", exported.files, static_cast<double>(exported.bytes) / 1e6);
    r.details = {{"folder", folder.string()},
                 {"site", exported.site.string()},
                 {"files", exported.files},
                 {"bytes", exported.bytes},
                 {"verification_key_sha256", exported.verification_key_sha256}};
    r.print(out, "site");
    out.text("verification key SHA-256: " + exported.verification_key_sha256);
    out.text(fmt::format("serve it, e.g.: python3 -m http.server --bind 127.0.0.1 --directory '{}' 8000", exported.site.string()));
    return kOk;
}

}  // namespace

Subcommand export_web_command() {
    return {"export-web",
            "write a static web site that proves a drawn digit's class in the browser",
            "DIR OUT [--cache-dir DIR] [--zokrates FILE]",
            "DIR is a private-input circuit folder of an MNIST digit model (784 inputs), compiled and set up;\n"
            "OUT the site's folder, replaced when it holds an earlier export. The page proves with zokrates-js\n"
            "in a Web Worker, from the program and proving key the site serves: the pixels never leave it. It\n"
            "shows the verification key's SHA-256 and lets the person download proof.json (docs/web.md).",
            options({cache_option(), zokrates_option()}),
            2,
            export_web_site};
}

}  // namespace zokml::cli
