// A published split layout (zokml commit --split --layout, docs/split-proving.md): the model
// owner's file that a verifier's split-setup reads, plans and generates programs from.
#include <set>

#include "fuzz_support.hpp"
#include "zokml/split/folder.hpp"
#include "zokml/split/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "layout.json");
    if (!json) return 0;
    std::optional<PublishedLayout> layout;
    if (!fuzz::run_expecting(fuzz::kInputError, [&] { layout = PublishedLayout::from_json(*json, "layout.json"); })) return 0;
    // "The round trip loses nothing."
    fuzz::run_expecting(0, [&] {
        const auto again = PublishedLayout::from_json(layout->to_json(), "");
        fuzz::require(again.parts == layout->parts && again.commitment == layout->commitment &&
                          again.quantization() == layout->quantization() && again.input_range() == layout->input_range(),
                      "layout JSON round trip");
    });
    // What split-setup does with it for a batch of two public inputs, one a slice: the plan, then
    // the programs while they stay small (a large one is the generator's time, not a finding).
    std::optional<SplitPlan> plan;
    const SplitOptions options{.inputs_per_slice = 1, .variant = SplitVariant::Inference};
    if (!fuzz::run_expecting(fuzz::kInputError, [&] { plan = plan_split(layout->parts, 2, options, layout->model_name); })) return 0;
    std::set<std::string> generated;
    for (const auto& sub : sub_proofs(*plan)) {
        const SplitLayer& l = plan->layers.at(sub.program.layer);
        if (sub.program.kind == SplitProgram::Kind::Slice && l.outputs() * l.patch > (1u << 14)) continue;
        if (!generated.insert(sub.program.name()).second) continue;
        fuzz::run_expecting(fuzz::kInputError, [&] { generate_split_circuit(*plan, sub.program, {}); });
    }
    return 0;
}
