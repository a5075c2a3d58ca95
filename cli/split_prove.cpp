// zokml split-prove: a private model's accuracy as a bundle of sub-proofs, with a split folder's keys.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/split/folder.hpp"

namespace zokml::cli {
namespace {

// One line per sub-proof as it starts; on a terminal the line is redrawn in place.
void show_progress(const Progress& p) {
    static ProgressWriter writer;
    writer.update(p);
    if (p.running.empty()) writer.finish();
}

// Where keep_previous put the bundle a new one replaced: for the text, and in the JSON result.
std::string previous_note(const std::optional<std::filesystem::path>& previous) {
    return previous ? fmt::format(" (the previous bundle kept as {})", previous->string()) : "";
}
nlohmann::json with_previous(nlohmann::json result, const std::optional<std::filesystem::path>& previous) {
    if (previous) result["previous_bundle"] = previous->string();
    return result;
}

// The model as the folder's layout says it was committed (committed_model), with the flags and the
// settings file given: one that says otherwise is refused.
QuantizedModel layout_model(const Args& args, const std::filesystem::path& folder) {
    const auto source = [&](const std::string& name) -> std::string {
        if (args.has(name)) return "--" + name;
        return args.has("settings") ? "the settings file " + args.required("settings") : "";
    };
    return committed_model(folder, args.required("model"), {settings_from(args, true), source});
}

// --plan: prepares and prints one command per sub-proof on stdout (for GNU parallel and the like);
// --plan-dir P --sub-proof K runs one; --gather P bundles them.
int planned(const Args& args, const Output& out, const std::filesystem::path& folder, const std::filesystem::path& file) {
    const Toolchain toolchain = toolchain_from(args);
    if (auto plan = args.get("gather")) {
        const ProofBundle bundle = gather_split_plan(folder, *plan, toolchain);
        const auto previous = keep_previous(file);
        write_text(file, dump_json(bundle.to_json(), 1) + "\n");
        out.text("bundle: " + file.string() + previous_note(previous));
        out.result(with_previous({{"bundle", file.string()}, {"proofs", bundle.proofs.size()}}, previous));
        return kOk;
    }
    const QuantizedModel model = layout_model(args, folder);
    if (auto plan = args.get("plan-dir")) {
        const auto index = static_cast<std::size_t>(*args.integer("sub-proof", 0, 1 << 30));
        prove_planned(folder, model, *plan, index, toolchain);
        out.result({{"plan", *plan}, {"sub_proof", index}});
        return kOk;
    }
    const SplitPlanFolder plan =
        prepare_split_plan(folder, model, read_salt_file(args.required("salt")), args.integer("threshold", 0, std::int64_t(1) << 40));
    // The model file alone: its settings come from the folder's layout. Paths in single quotes (a
    // quote in one as '\'').
    const auto quoted = [](const std::filesystem::path& path) {
        std::string text = "'";
        for (const char c : std::filesystem::absolute(path).string()) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return text + "'";
    };
    const std::string self = fmt::format("{} split-prove --dir {} --model {} --plan-dir {}", quoted(std::filesystem::read_symlink("/proc/self/exe")),
                                         quoted(folder), quoted(args.required("model")), quoted(plan.dir));
    for (std::size_t i = 0; i < plan.proofs; ++i) print_out(fmt::format("{} --sub-proof {}\n", self, i));
    fmt::print(stderr, "then: zokml split-prove --dir '{}' --gather '{}' (the plan folder holds private values until then)\n",
               folder.string(), plan.dir.string());
    return kOk;
}

int split_prove(const Args& args, const Output& out) {
    const auto folder = folder_from(args);
    if (args.has("plan") + args.has("plan-dir") + args.has("gather") > 1) throw UsageError("--plan, --plan-dir and --gather exclude each other");
    if (args.has("sub-proof") != args.has("plan-dir")) throw UsageError("--sub-proof goes with --plan-dir");
    if (args.has("salt") && (args.has("plan-dir") || args.has("gather")))
        throw UsageError("--plan-dir and --gather take no --salt: the plan folder holds what they need");
    if (args.has("inputs") && (args.has("threshold") || args.has("plan") || args.has("plan-dir") || args.has("gather")))
        throw UsageError("--inputs (inference and both-private folders) takes no --threshold and no plan");
    const std::filesystem::path file = args.get_or("bundle", (folder / "bundle.json").string());
    if (args.has("plan") || args.has("plan-dir") || args.has("gather")) return planned(args, out, folder, file);
    const QuantizedModel model = layout_model(args, folder);
    const FieldElement salt = read_salt_file(args.required("salt"));
    const auto jobs = static_cast<std::size_t>(args.integer_or("jobs", 1, 1, 256));
    SplitProveTimes times;
    // A private-model folder proves on its own batch; the others classify the given inputs.
    const ProofBundle bundle =
        args.has("inputs")
            ? prove_split_folder(folder, model, salt, split_batch(read_split_folder(folder, false).layout, *args.get("inputs"), Labels::None),
                                 toolchain_from(args), jobs, show_progress, &times)
            : prove_split_folder(folder, model, salt, args.integer("threshold", 0, std::int64_t(1) << 40), toolchain_from(args), jobs,
                                 show_progress, &times);
    const auto previous = keep_previous(file);
    write_text(file, dump_json(bundle.to_json(), 1) + "\n");
    out.text(fmt::format("prove      {:7.2f} s  ({} sub-proofs, {:.1f} s of proving, {} at a time)", times.wall_s,
                         bundle.proofs.size(), times.prove_s, jobs));
    out.text(fmt::format("bundle: {}{}", file.string(), previous_note(previous)));
    out.text("public: " + dump_json(bundle.statement()));
    out.result(with_previous({{"bundle", file.string()},
                              {"proofs", bundle.proofs.size()},
                              {"prove_s", times.prove_s},
                              {"wall_s", times.wall_s},
                              {"public", bundle.statement()}},
                             previous));
    return kOk;
}

}  // namespace

Subcommand split_prove_command() {
    return {"split-prove",
            "prove a private model's accuracy on the split folder's batch, or its classes of inputs, as a bundle of sub-proofs",
            "--model FILE --salt FILE [--dir DIR] [--threshold T | --inputs FILE] [--jobs N | --plan] [--bundle FILE]",
            "The model's split commitment with the owner's salt (--salt: the file `zokml commit --split --salt\n"
            "FILE` read or drew) must be the folder's published one. The model is quantized as the folder's\n"
            "layout records (bit widths, input range): no setting of `commit` is repeated here; a flag or\n"
            "--settings file that differs from the layout is refused, naming the field. Every sub-proof runs in a\n"
            "private scratch folder (its witness holds private values); --jobs runs that many at once. The\n"
            "bundle goes to DIR/bundle.json (a bundle already there is kept as DIR/bundle-N.json); `zokml\n"
            "verify --dir DIR --bundle FILE` checks it.\n"
            "--plan prints one self-contained command per sub-proof instead, for an engine that runs them\n"
            "(`... --plan | parallel -j4`, a Slurm array, a Kubernetes Indexed Job: docs/split-proving.md),\n"
            "then `--gather PLAN` bundles what they wrote. The plan folder holds the part salts: the planned\n"
            "commands take no --salt.",
            options({model_options(), folder_option("the split folder (default: the current folder)"),
                     {{"salt", "FILE", "the model owner's salt file (zokml commit --salt FILE wrote it); not with --plan-dir, --gather"},
                      {"threshold", "T", "the public accuracy threshold (default: the model's correct count)"},
                      {"inputs", "FILE", "inference and both-private folders: the inputs to classify (JSON or CSV, no labels)"},
                      {"jobs", "N", "sub-proofs at once (default 1)"},
                      {"bundle", "FILE", "where to write the bundle (default: DIR/bundle.json)"},
                      {"plan", "", "print one command per sub-proof instead of proving"},
                      {"plan-dir", "PLAN", "with --sub-proof: the plan folder --plan made"},
                      {"sub-proof", "K", "with --plan-dir: prove sub-proof K"},
                      {"gather", "PLAN", "bundle the proofs of a plan folder"}},
                     zokrates_option()}),
            0,
            split_prove};
}

}  // namespace zokml::cli
