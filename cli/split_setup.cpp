// zokml split-setup: the programs of a split private-model statement, set up in a split folder.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/core/json.hpp"
#include "zokml/split/folder.hpp"

namespace zokml::cli {
namespace {

int split_setup(const Args& args, const Output& out) {
    const auto folder = std::filesystem::path(args.required("dir"));
    const PublishedLayout layout = PublishedLayout::from_json(read_json(args.required("layout")), args.required("layout"));
    const SplitVariant variant = split_variant_from(args.get_or("variant", "private-model"));
    SplitOptions options = split_options(layout, variant);
    const bool labelled = variant == SplitVariant::PrivateModel;
    options.inputs_per_slice = static_cast<std::size_t>(
        args.integer_or("inputs-per-slice", static_cast<std::int64_t>(options.inputs_per_slice), 1, 1 << 20));
    if (args.has("batch") && args.has("batch-size")) throw UsageError("--batch and --batch-size exclude each other");
    if (!labelled && args.has("batch")) throw UsageError("an inference or both-private folder keeps no batch: give --batch-size N");
    if (args.has("labels") && !args.has("batch")) throw UsageError("--labels goes with a .npy --batch");
    const auto batch_size =
        static_cast<std::size_t>(args.integer_or("batch-size", static_cast<std::int64_t>(default_batch_size(variant)), 1, 1 << 20));
    const auto jobs = static_cast<std::size_t>(args.integer_or("jobs", 1, 1, 64));
    const Toolchain toolchain = toolchain_from(args);
    double seconds = 0;
    const SplitPrograms programs = timed("setup", true, seconds, [&] {
        if (!labelled) return setup_split_folder(folder, layout, batch_size, options, toolchain, store_from(args), jobs);
        const LabeledBatch batch = args.has("batch") ? split_batch(layout, std::filesystem::path(args.required("batch")),
                                                                   Labels::Required, args.get_or("labels", ""))
                                                     : split_batch(layout, batch_size);
        return setup_split_folder(folder, layout, batch, options, toolchain, store_from(args), jobs);
    });
    nlohmann::json list = nlohmann::json::object();
    for (const auto& [name, program] : programs.compiled) {
        list[name] = {{"constraints", program.constraints}};
        out.text(fmt::format("{:<22} {:>8} constraints", name, program.constraints));
    }
    out.text(fmt::format("setup      {:7.2f} s  ({} programs: compile {:.1f} s, setup {:.1f} s; folder {})", seconds,
                         programs.compiled.size(), programs.compile_s, programs.setup_s, folder.string()));
    out.result({{"folder", folder.string()}, {"programs", list}, {"compile_s", programs.compile_s},
                {"setup_s", programs.setup_s}, {"seconds", seconds}});
    return kOk;
}

}  // namespace

Subcommand split_setup_command() {
    return {"split-setup",
            "set up the programs of split private-model proofs for a published layout and batch",
            "--layout FILE --dir DIR [--variant V] [--batch FILE [--labels FILE] | --batch-size N] [--inputs-per-slice N] [--jobs N] [--cache-dir DIR]",
            fmt::format("For the party that must run the setup (the verifier, never the model owner: docs/security.md).\n"
            "The layout comes from the model owner's `zokml commit --split --layout FILE`; the public batch\n"
            "is a batch file (JSON or CSV of float inputs and labels: docs/batch-format.md) or --batch-size\n"
            "held-out MNIST digits. Writes DIR/zokml.split.json, DIR/batch.json, the programs' sources, ABIs\n"
            "and keys; hand the folder to the model owner (its proving keys) for `zokml split-prove`.\n"
            "--variant inference (public inputs) or both-private (private inputs): programs that prove the\n"
            "committed model's classes of any --batch-size inputs (default {}) at a time; no batch is kept.\n"
            "The programs of one size share one powers of tau in the native setup.",
            default_batch_size(SplitVariant::Inference)),
            options({{{"layout", "FILE", "the published layout (zokml commit --split --layout)"},
                      {"variant", "V", "private-model (default), inference or both-private"},
                      {"batch", "FILE", "the public labelled batch (.json, .csv or NumPy .npy, docs/batch-format.md)"},
                      {"labels", "FILE", "with a .npy batch: its labels, a NumPy .npy of integers"},
                      {"batch-size", "N",
                       fmt::format("else: held-out MNIST digits in the public batch (default {}); inference, both-private: inputs a "
                                   "proof classifies (default {})",
                                   default_batch_size(SplitVariant::PrivateModel), default_batch_size(SplitVariant::Inference))},
                      {"inputs-per-slice", "N",
                       fmt::format("batch inputs per slice proof (default {}; inference, both-private: {})",
                                   SplitOptions::for_variant(SplitVariant::PrivateModel).inputs_per_slice,
                                   SplitOptions::for_variant(SplitVariant::Inference).inputs_per_slice)},
                      {"jobs", "N", "programs compiled at once (default 1; each compile is one core and up to ~1 GB)"}},
                     folder_option("the split folder to write (required)"), cache_option(), zokrates_option()}),
            0,
            split_setup};
}

}  // namespace zokml::cli
