// zokml split-prove: a private model's accuracy as a bundle of sub-proofs, with a split folder's keys.
#include <fmt/format.h>
#include <unistd.h>

#include <mutex>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/project/split_folder.hpp"

namespace zokml::cli {
namespace {

// One line per sub-proof as it starts; on a terminal the line is redrawn in place.
void show_progress(const SplitProgress& p) {
    static const bool terminal = ::isatty(STDERR_FILENO);
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    const std::string line =
        p.running.empty() ? fmt::format("prove      {}/{} done in {:.1f} s", p.done, p.total, p.elapsed_s)
                          : fmt::format("prove      {}/{} done, running {} ({:.0f} s, {})", p.done, p.total, p.running, p.elapsed_s,
                                        p.done ? fmt::format("~{:.0f} s left", p.remaining_s) : std::string("estimating"));
    if (terminal) fmt::print(stderr, "\r\033[K{}", line);
    else fmt::print(stderr, "{}\n", line);
    if (terminal && p.running.empty()) fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
}

int split_prove(const Args& args, const Output& out) {
    const auto folder = folder_from(args);
    const QuantizedModel model = quantize(model_from(args), quantization_from(args));
    std::optional<std::int64_t> threshold = args.integer("threshold", 0, std::int64_t(1) << 40);
    const auto jobs = static_cast<std::size_t>(args.integer_or("jobs", 1, 1, 256));
    const std::filesystem::path file = args.get_or("bundle", (folder / "bundle.json").string());
    SplitProveTimes times;
    const ProofBundle bundle = prove_split_folder(folder, model, threshold, toolchain_from(args), jobs, show_progress, &times);
    write_text(file, bundle.to_json().dump(1) + "\n");
    out.text(fmt::format("prove      {:7.2f} s  ({} sub-proofs, {:.1f} s of proving, {} at a time)", times.wall_s,
                         bundle.proofs.size(), times.prove_s, jobs));
    out.text(fmt::format("bundle: {}", file.string()));
    out.text(fmt::format("public: commitment {}, threshold {}, correct {}", bundle.model_commitment.to_decimal(), bundle.threshold,
                         bundle.correct));
    out.result({{"bundle", file.string()},
                {"proofs", bundle.proofs.size()},
                {"prove_s", times.prove_s},
                {"wall_s", times.wall_s},
                {"public",
                 {{"commitment", bundle.model_commitment.to_decimal()}, {"threshold", bundle.threshold}, {"correct", bundle.correct}}}});
    return kOk;
}

}  // namespace

Subcommand split_prove_command() {
    return {"split-prove",
            "prove a private model's accuracy on the split folder's batch, as a bundle of sub-proofs",
            "--model FILE [--dir DIR] [--threshold T] [--jobs N] [--bundle FILE] [--input-bits N] [--weight-bits N]",
            "The model's split commitment must be the folder's published one. Every sub-proof runs in a\n"
            "private scratch folder (its witness holds private values); --jobs runs that many at once. The\n"
            "bundle goes to DIR/bundle.json; `zokml verify --dir DIR --bundle FILE` checks it.",
            options({model_options(), folder_option("the split folder (default: the current folder)"),
                     {{"threshold", "T", "the public accuracy threshold (default: the model's correct count)"},
                      {"jobs", "N", "sub-proofs at once (default 1)"},
                      {"bundle", "FILE", "where to write the bundle (default: DIR/bundle.json)"}},
                     zokrates_option()}),
            0,
            split_prove};
}

}  // namespace zokml::cli
