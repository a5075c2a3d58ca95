// zokml export-web: a static site where a person proves the class of a private input in the browser (docs/web.md).
#include <fmt/format.h>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"
#include "zokml/project/web_export.hpp"

namespace zokml::cli {
namespace {

WebInput web_input_from(const Args& args) {
    const std::string input = args.get_or("input", "auto");
    if (input == "auto") return WebInput::Auto;
    if (input == "image") return WebInput::Image;
    if (input == "values") return WebInput::Values;
    throw UsageError("--input is auto, image or values, not '" + input + "'");
}

int export_web_site(const Args& args, const Output& out) {
    if (args.positional().size() != 2) throw UsageError("give the circuit folder DIR and the site's folder OUT");
    const std::filesystem::path folder = args.positional()[0], site = args.positional()[1];
    const WebInput input = web_input_from(args);
    StepResult r("export-web");
    const WebExport exported =
        timed(r.step, true, r.seconds, [&] { return export_web(folder, site, toolchain_from(args), store_from(args), input); });
    r.note = fmt::format("{} files, {:.1f} MB, {}", exported.files, static_cast<double>(exported.bytes) / 1e6, exported.page);
    r.details = {{"folder", folder.string()},
                 {"site", exported.site.string()},
                 {"files", exported.files},
                 {"bytes", exported.bytes},
                 {"page", exported.page},
                 {"verification_key_sha256", exported.verification_key_sha256}};
    r.print(out, "site");
    out.text("verification key SHA-256: " + exported.verification_key_sha256);
    out.text(fmt::format("serve it, e.g.: python3 -m http.server --bind 127.0.0.1 --directory '{}' 8000", exported.site.string()));
    return kOk;
}

}  // namespace

Subcommand export_web_command() {
    return {"export-web",
            "write a static web site that proves a private input's class in the browser",
            "DIR OUT [--input auto|image|values] [--cache-dir DIR] [--zokrates FILE]",
            "DIR is a private-input circuit folder, compiled and set up; OUT the site's folder, replaced when it\n"
            "holds an earlier export. The page asks for a drawn or picked square grey image (--input image; auto\n"
            "for 28 x 28 inputs and one-channel convolutions) or for the input's numbers, typed or from a CSV or\n"
            "JSON file of one record (--input values; auto otherwise). It proves with zokrates-js in a Web Worker,\n"
            "from the program and proving key the site serves: the input never leaves it. It shows the\n"
            "verification key's SHA-256 and lets the person download proof.json (docs/web.md).",
            options({std::vector<Option>{{"input", "KIND", "what the page asks for: auto (default), image or values"}}, cache_option(), zokrates_option()}),
            2,
            export_web_site};
}

}  // namespace zokml::cli
