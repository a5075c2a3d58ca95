// Split proving of a private model (docs/split-proving.md): the statement of the private-model
// circuit ("the model committed to reaches a threshold on a public labelled batch") as many small
// sub-proofs, linked by commitments, that a verifier checks together.
//
//   part proofs   one per part of the first Dense layer (a group of its neurons), over the whole
//                 batch: the part's private weights against the public inputs, then ReLU. Public:
//                 the part's (salted) commitment and, per slice of the batch, a salted commitment
//                 to the part's activations on that slice.
//   slice proofs  one per later Dense layer, part and slice of the batch: the activations of the
//                 previous layer for that slice (private, checked against the commitments their
//                 producers made), the part's private weights; a hidden layer commits to its ReLU
//                 activations, the last one takes the slice's public labels and commits to how
//                 many inputs it classifies correctly.
//   aggregate     the slices' counts (private, checked against their commitments), summed and
//                 compared with the public threshold; the model commitment recomputed from the
//                 part commitments (public inputs).
//
// Parts of one shape share one program: the part's position is fixed by the verifier's links and
// by the order of the model commitment's chain, not by the circuit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zokml/circuit/options.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml {

// What a split statement proves about a committed private model (docs/split-proving.md).
enum class SplitVariant {
    PrivateModel,  // on a public labelled batch, at least T correct (part proofs bake the batch in)
    Inference,     // the classes of public inputs ("the same model for everyone"); the inputs reach
                   // the first layer's proofs through their unsalted commitment, which the verifier
                   // recomputes from the inputs
    BothPrivate,   // the classes of private inputs, bound by salted commitments that every proof
                   // of the first layer shares
};
std::string to_string(SplitVariant variant);           // "private-model", "inference", "both-private"
SplitVariant split_variant_from(const std::string& text);  // InputError

// Every split default is here (the command's flags and help read them).
struct SplitOptions {
    std::size_t neurons_per_part = 4;    // neurons of a hidden layer per part
    std::size_t inputs_per_slice = 20;   // batch inputs per slice proof (784-56-10: just under 2^16 constraints)
    std::size_t chunk_size = kDefaultChunkSize;
    std::size_t group_size = 10;         // part proofs: batch inputs per module
    SplitVariant variant = SplitVariant::PrivateModel;
    unsigned input_bits = 8;             // Inference, BothPrivate: every input in [0, 2^input_bits)
    // PrivateModel: the most values of one part (ReLU values: inputs x neurons x positions) that
    // one part proof computes (~2^16 constraints); past it, the batch's slices go to several.
    std::size_t part_proof_values = 2048;
    bool operator==(const SplitOptions&) const = default;

    // The defaults of a variant. The first layer's slice proofs of Inference and BothPrivate also
    // range check and hash their inputs: they take 5 inputs per slice (5 inputs of 784 keep them
    // under 2^16 constraints), PrivateModel's slice proofs 20.
    static SplitOptions for_variant(SplitVariant variant);
};

// Inputs per statement when none are given: a private-model statement's public batch is 100
// held-out digits (the accuracy to the percent); an inference or both-private statement
// classifies one input at a time.
std::size_t default_batch_size(SplitVariant variant);

// One Dense or Conv2D layer of a split statement: its public shape, widths and static bounds.
struct SplitLayer {
    std::size_t layer = 0;  // index in QuantizedModel::layers
    std::size_t inputs = 0;   // values entering, per input of the batch
    std::size_t patch = 0;    // weights per neuron or filter (Dense: inputs)
    std::size_t units = 0;    // neurons or filters
    std::size_t positions = 1;  // values per neuron or filter, per input (Conv2D: output height x width)
    Shape3 image{};           // Conv2D: the values the filters slide over (empty for Dense)
    Window2D window{};
    Window2D pool{};          // Conv2D followed by an AvgPool: each output sums a window of the filter's (else kernel 0)
    unsigned rescale_bits = 0;  // k: the ReLU takes floor((v + 2^(k-1)) / 2^k) of each value v
    Window2D max_pool{};      // Conv2D followed by ReLU and MaxPool: the part outputs window maxima (else kernel 0)
    bool last = false;      // followed by the Argmax head (else by a ReLU)
    Interval weights;       // the range the committed weight width allows
    Interval biases;
    std::int64_t input_max = 0;    // slice proofs: every value entering lies in [0, input_max]
    Interval values;               // slice proofs: every pre-activation (logit) lies here, before any rescale
    std::int64_t output_max = 0;   // hidden layers: every ReLU value lies in [0, output_max]
    unsigned activation_bits = 0;  // hidden layers: bits that hold a ReLU value
    std::vector<PartRange> parts;
    bool convolution() const { return image.size() > 0; }
    std::size_t outputs() const { return units * positions; }  // values leaving, per input
};

// The public shape of a split statement, from the model's architecture and widths and from the
// batch (never from parameter values). Throws InputError for a model that is not Dense or Conv2D
// layers (a Conv2D possibly followed by an AvgPool) with a ReLU between them, a Dense layer last
// and an Argmax head (a MaxPool may follow a Conv2D's ReLU), or bounds beyond 2^62.
struct SplitPlan {
    std::string model_name;  // for the sources' comments
    std::vector<SplitLayer> layers;
    std::size_t batch_size = 0;
    SplitOptions options;

    std::size_t slices() const;
    std::size_t slice_begin(std::size_t slice) const;
    std::size_t slice_size(std::size_t slice) const;
    // PrivateModel: the first layer's part proofs each cover this many consecutive slices (the
    // whole batch when it computes at most options.part_proof_values values of a part).
    std::size_t slices_per_part_proof(std::size_t part_count) const;
    std::vector<PartRange> parts() const;  // every part, in commitment order
    std::size_t first_part(std::size_t layer) const;  // the index in parts() of layers[layer]'s first part
};
SplitPlan plan_split(const QuantizedModel& model, const LabeledBatch& batch, const SplitOptions& options = {});
// The same from the parts' public layout (model_parts: what a bundle records), for a verifier
// who has no model. options.neurons_per_part is not used: the parts say how the layers split.
SplitPlan plan_split(const std::vector<PartRange>& parts, const LabeledBatch& batch, const SplitOptions& options,
                     const std::string& model_name);
// Inference and BothPrivate: the plan for `batch_size` inputs, whatever their values (the
// programs serve every batch of that size). Throws InputError for PrivateModel.
SplitPlan plan_split(const std::vector<PartRange>& parts, std::size_t batch_size, const SplitOptions& options,
                     const std::string& model_name);

}  // namespace zokml
