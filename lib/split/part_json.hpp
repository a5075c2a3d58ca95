// A part's public layout (PartRange) in the JSON of published layouts and proof bundles.
#pragma once

#include <nlohmann/json.hpp>

#include "project/json_fields.hpp"
#include "zokml/crypto/parts.hpp"

namespace zokml::detail {

// {"layer", "first", "count", "inputs", "weight_bits", "bias_bits"} and, for a Conv2D part,
// "image": [channels, height, width] and "window": {"kernel", "stride": [h, w], "pad": [t, l, b, r]},
// with an AvgPool after it "pool": {"kernel", "stride"}, with a MaxPool after its ReLU "max_pool"
// (the same); "rescale_bits" when the part rescales.
inline nlohmann::json part_json(const PartRange& p) {
    nlohmann::json j = {{"layer", p.layer},   {"first", p.first},           {"count", p.count},
                        {"inputs", p.inputs}, {"weight_bits", p.weight_bits}, {"bias_bits", p.bias_bits}};
    if (p.convolution()) {
        const auto& w = p.window;
        j["image"] = {p.image.channels, p.image.height, p.image.width};
        j["window"] = {{"kernel", {w.kernel_height, w.kernel_width}},
                       {"stride", {w.stride_height, w.stride_width}},
                       {"pad", {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right}}};
    }
    const auto pool_json = [](const Window2D& w) {
        return nlohmann::json{{"kernel", {w.kernel_height, w.kernel_width}}, {"stride", {w.stride_height, w.stride_width}}};
    };
    if (p.pooled()) j["pool"] = pool_json(p.pool);
    if (p.max_pooled()) j["max_pool"] = pool_json(p.max_pool);
    if (p.rescale_bits > 0) j["rescale_bits"] = p.rescale_bits;
    return j;
}

// An array of `size` counts from `min` to kMaxCount, named by `fields` and `key`.
inline std::vector<std::size_t> counts_of(const Fields& fields, const std::string& key, std::size_t size, std::size_t min) {
    const nlohmann::json& array = fields.required(key);
    if (!array.is_array() || array.size() != size) fields.fail(key, fmt::format("expected an array of {} integers", size));
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < size; ++i) {
        const nlohmann::json& v = array[i];
        const bool whole = v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
        if (!whole || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > kMaxCount)
            fields.fail(fmt::format("{}[{}]", key, i), fmt::format("expected an integer from {} to {}", min, kMaxCount));
        counts.push_back(v.get<std::size_t>());
    }
    return counts;
}

inline PartRange part_from(const Fields& p) {
    const bool conv = p.find("image") != nullptr;
    if (conv)
        p.only({"layer", "first", "count", "inputs", "weight_bits", "bias_bits", "rescale_bits", "image", "window", "pool", "max_pool"});
    else p.only({"layer", "first", "count", "inputs", "weight_bits", "bias_bits", "rescale_bits"});
    for (const char* key : {"layer", "first", "count", "inputs", "weight_bits", "bias_bits"}) p.required(key);  // no defaults
    PartRange part{p.count("layer", 0, 0, 1u << 20), p.count("first", 0, 0, kMaxCount), p.count("count", 0, 1, kMaxCount),
                   p.count("inputs", 0, 1, kMaxCount), static_cast<unsigned>(p.count("weight_bits", 0, 1, 62)),
                   static_cast<unsigned>(p.count("bias_bits", 0, 1, 62))};
    part.rescale_bits = static_cast<unsigned>(p.count("rescale_bits", 0, 1, 61));
    if (!conv) return part;
    const auto image = counts_of(p, "image", 3, 1);
    // Each count is at most 2^24: products of two are exact, and the image must stay within it too.
    if (image[0] * image[1] > kMaxCount || image[0] * image[1] * image[2] > kMaxCount)
        p.fail("image", fmt::format("holds more than {} values", kMaxCount));
    part.image = {image[0], image[1], image[2]};
    const Fields w = p.member("window");
    w.only({"kernel", "stride", "pad"});
    const auto kernel = counts_of(w, "kernel", 2, 1), stride = counts_of(w, "stride", 2, 1), pad = counts_of(w, "pad", 4, 0);
    part.window = {kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], pad[2], pad[3]};
    const auto pool_from = [&](const std::string& key) {
        const Fields pool = p.member(key);
        pool.only({"kernel", "stride"});
        const auto pool_kernel = counts_of(pool, "kernel", 2, 1), pool_stride = counts_of(pool, "stride", 2, 1);
        return Window2D{pool_kernel[0], pool_kernel[1], pool_stride[0], pool_stride[1]};
    };
    if (p.find("pool")) part.pool = pool_from("pool");
    if (p.find("max_pool")) part.max_pool = pool_from("max_pool");
    if (kernel[0] * kernel[1] > kMaxCount || part.inputs != image[0] * kernel[0] * kernel[1])
        p.fail("inputs", "is not the filter's channels x kernel height x width");
    if (part.positions() == 0) p.fail("window", "does not fit the image");
    return part;
}

}  // namespace zokml::detail
