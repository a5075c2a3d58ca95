// Split proving's witness: what the prover computes natively (activations, salts, every commitment
// a sub-proof makes public), the arguments of each sub-proof, and all of it as JSON.
#include "zokml/split/witness.hpp"

#include <fmt/format.h>

#include <bit>
#include <stdexcept>
#include <string>

#include "field_json.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/crypto/parts.hpp"

namespace zokml {

namespace fs = std::filesystem;
using detail::fields_json;
using nlohmann::json;

namespace {

// The layer whose outputs a part of the Dense or Conv2D layer at `layer` commits to: the ReLU after
// it (past any Flatten or AvgPool), or the MaxPool after that ReLU.
std::size_t activations_of(const QuantizedModel& model, std::size_t layer) {
    std::size_t next = layer + 1;
    while (model.layers.at(next).kind != Layer::Kind::ReLU) ++next;
    if (next + 1 < model.layers.size() && model.layers[next + 1].kind == Layer::Kind::MaxPool) ++next;
    return next;
}

unsigned count_bits(std::size_t slice_size) { return static_cast<unsigned>(std::bit_width(slice_size)); }

// The part's weight rows, biases and salt, as main takes them.
void part_arguments(const QuantizedModel& model, const PartRange& part, const FieldElement& part_salt, std::vector<Value>& arguments) {
    for (const auto& tensor : part_tensors(model, part)) arguments.push_back(Value::fields(tensor.values));
    arguments.push_back(Value::of_field(part_salt));
}

std::vector<Value> fields_of(const std::vector<FieldElement>& elements) {
    std::vector<Value> values;
    for (const auto& e : elements) values.push_back(Value::of_field(e));
    return values;
}

std::vector<FieldElement> fields_from(const json& j, const std::string& where) {
    if (!j.is_array()) throw std::invalid_argument(where + ": expected an array");
    std::vector<FieldElement> out;
    for (const auto& e : j) out.push_back(FieldElement::from_decimal(e.get<std::string>()));
    return out;
}

}  // namespace

std::vector<std::int64_t> slice_inputs(const SplitPlan& plan, const LabeledBatch& batch, std::size_t slice) {
    std::vector<std::int64_t> values;
    for (std::size_t i = plan.slice_begin(slice); i < plan.slice_begin(slice) + plan.slice_size(slice); ++i)
        values.insert(values.end(), batch.inputs.at(i).begin(), batch.inputs.at(i).end());
    return values;
}

SplitWitnessData split_witness_data(const SplitPlan& plan, const QuantizedModel& model, const LabeledBatch& batch,
                                    const FieldElement& salt) {
    std::vector<ReferenceTrace> traces;
    for (const auto& x : batch.inputs) traces.push_back(run_reference(model, x));

    SplitWitnessData data;
    const auto parts = plan.parts();
    data.part_salts = part_salts(salt, model, parts.size());
    for (std::size_t p = 0; p < parts.size(); ++p) data.part_commitments.push_back(commit_part(model, parts[p], data.part_salts[p]));
    data.model_commitment = commit_model_parts(parts, data.part_commitments);
    for (const auto& l : plan.layers) {
        auto& activations = data.activations.emplace_back();
        auto& salts = data.activation_salts.emplace_back();
        auto& commitments = data.activation_commitments.emplace_back();
        if (l.last) continue;
        const std::size_t relu = activations_of(model, l.layer);
        for (const auto& part : l.parts) {
            auto& per_slice = activations.emplace_back();
            auto& part_salts = salts.emplace_back();
            auto& part_commitments = commitments.emplace_back();
            for (std::size_t s = 0; s < plan.slices(); ++s) {
                std::vector<std::int64_t> values;
                for (std::size_t i = plan.slice_begin(s); i < plan.slice_begin(s) + plan.slice_size(s); ++i)
                    for (std::size_t j = 0; j < part.count * l.positions; ++j)
                        values.push_back(traces[i].layer_outputs[relu][part.first * l.positions + j]);
                part_salts.push_back(random_salt());
                part_commitments.push_back(commit_salted(part_salts.back(), values, l.activation_bits));
                per_slice.push_back(std::move(values));
            }
        }
    }
    for (const auto& trace : traces) data.classes.push_back(trace.predicted_class);
    const bool labelled = plan.options.variant == SplitVariant::PrivateModel;
    for (std::size_t s = 0; s < plan.slices(); ++s) {
        if (!labelled) {
            // Public inputs: salt 0, so that the verifier recomputes the commitment from them.
            data.input_salts.push_back(plan.options.variant == SplitVariant::BothPrivate ? random_salt() : FieldElement());
            data.input_commitments.push_back(commit_salted(data.input_salts.back(), slice_inputs(plan, batch, s), plan.options.input_bits));
            continue;
        }
        std::int64_t correct = 0;
        for (std::size_t i = plan.slice_begin(s); i < plan.slice_begin(s) + plan.slice_size(s); ++i)
            correct += traces[i].predicted_class == batch.labels[i];
        data.counts.push_back(correct);
        data.count_salts.push_back(random_salt());
        data.count_commitments.push_back(commit_salted(data.count_salts.back(), {correct}, count_bits(plan.slice_size(s))));
        data.correct += correct;
    }
    return data;
}

std::vector<Value> split_arguments(const SplitPlan& plan, const SubProof& proof, const QuantizedModel& model,
                                   const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold) {
    const auto parts = plan.parts();
    std::vector<Value> arguments;
    switch (proof.program.kind) {
        case SplitProgram::Kind::Part: {
            part_arguments(model, parts.at(proof.part), data.part_salts.at(proof.part), arguments);
            const auto& salts = data.activation_salts.at(0).at(proof.part);
            const auto first = salts.begin() + static_cast<std::ptrdiff_t>(proof.program.first_slice);
            arguments.push_back(Value::array(fields_of({first, first + static_cast<std::ptrdiff_t>(proof.program.slices)})));
            return arguments;
        }
        case SplitProgram::Kind::Slice: {
            const std::size_t l = proof.program.layer, s = proof.slice;
            std::vector<FieldElement> salts_in;
            if (l == 0) {
                arguments.push_back(Value::fields(slice_inputs(plan, batch, s)));
                salts_in.push_back(data.input_salts.at(s));
            } else {
                for (std::size_t k = 0; k < plan.layers.at(l - 1).parts.size(); ++k) {
                    arguments.push_back(Value::fields(data.activations.at(l - 1).at(k).at(s)));
                    salts_in.push_back(data.activation_salts.at(l - 1).at(k).at(s));
                }
            }
            arguments.push_back(Value::array(fields_of(salts_in)));
            part_arguments(model, parts.at(proof.part), data.part_salts.at(proof.part), arguments);
            if (!plan.layers.at(l).last) {
                const std::size_t k = proof.part - plan.first_part(l);  // the part's position in its layer
                arguments.push_back(Value::of_field(data.activation_salts.at(l).at(k).at(s)));
            } else if (plan.options.variant == SplitVariant::PrivateModel) {
                arguments.push_back(Value::of_field(data.count_salts.at(s)));
                std::vector<std::int64_t> labels(batch.labels.begin() + static_cast<std::ptrdiff_t>(plan.slice_begin(s)),
                                                 batch.labels.begin() + static_cast<std::ptrdiff_t>(plan.slice_begin(s) + plan.slice_size(s)));
                arguments.push_back(Value::fields(labels));
            }  // else the last layer makes the classes public: nothing more
            return arguments;
        }
        case SplitProgram::Kind::Aggregate: {
            if (plan.options.variant != SplitVariant::PrivateModel) return {Value::array(fields_of(data.part_commitments))};
            std::vector<std::int64_t> counts(data.counts.begin(), data.counts.end());
            arguments.push_back(Value::fields(counts));
            arguments.push_back(Value::array(fields_of(data.count_salts)));
            arguments.push_back(Value::array(fields_of(data.part_commitments)));
            arguments.push_back(Value::of_field(threshold));
            return arguments;
        }
    }
    throw std::logic_error("unknown split program");
}

json witness_data_to_json(const SplitWitnessData& d) {
    json salts = json::array(), commitments = json::array();
    for (std::size_t l = 0; l < d.activation_salts.size(); ++l) {
        salts.push_back(json::array());
        commitments.push_back(json::array());
        for (std::size_t p = 0; p < d.activation_salts[l].size(); ++p) {
            salts[l].push_back(fields_json(d.activation_salts[l][p]));
            commitments[l].push_back(fields_json(d.activation_commitments[l][p]));
        }
    }
    return {{"format", "zokml-split-witness"},
            {"version", 2},
            {"part_salts", fields_json(d.part_salts)},
            {"part_commitments", fields_json(d.part_commitments)},
            {"activations", d.activations},
            {"activation_salts", salts},
            {"activation_commitments", commitments},
            {"input_salts", fields_json(d.input_salts)},
            {"input_commitments", fields_json(d.input_commitments)},
            {"classes", d.classes},
            {"counts", d.counts},
            {"count_salts", fields_json(d.count_salts)},
            {"count_commitments", fields_json(d.count_commitments)},
            {"model_commitment", d.model_commitment.to_decimal()},
            {"correct", d.correct}};
}

SplitWitnessData witness_data_from_json(const json& j, const fs::path& file) {
    try {
        if (j.at("format") != "zokml-split-witness" || j.at("version") != 2) throw std::invalid_argument("not a split witness file");
        SplitWitnessData d;
        d.part_salts = fields_from(j.at("part_salts"), "part_salts");
        d.part_commitments = fields_from(j.at("part_commitments"), "part_commitments");
        d.activations = j.at("activations").get<decltype(d.activations)>();
        for (const auto& layer : j.at("activation_salts")) {
            auto& out = d.activation_salts.emplace_back();
            for (const auto& part : layer) out.push_back(fields_from(part, "activation_salts"));
        }
        for (const auto& layer : j.at("activation_commitments")) {
            auto& out = d.activation_commitments.emplace_back();
            for (const auto& part : layer) out.push_back(fields_from(part, "activation_commitments"));
        }
        d.input_salts = fields_from(j.at("input_salts"), "input_salts");
        d.input_commitments = fields_from(j.at("input_commitments"), "input_commitments");
        d.classes = j.at("classes").get<std::vector<int>>();
        d.counts = j.at("counts").get<std::vector<std::int64_t>>();
        d.count_salts = fields_from(j.at("count_salts"), "count_salts");
        d.count_commitments = fields_from(j.at("count_commitments"), "count_commitments");
        d.model_commitment = FieldElement::from_decimal(j.at("model_commitment").get<std::string>());
        d.correct = j.at("correct").get<std::int64_t>();
        return d;
    } catch (const std::exception& e) {
        throw InputError(file, "(file)", std::string("not a split witness file: ") + e.what());
    }
}

}  // namespace zokml
