#include "zokml/prover/msm_timing.hpp"

#include <random>
#include <vector>

#include "prover/msm.hpp"
#include "zokml/core/timing.hpp"

namespace zokml::prover {

double time_g1_msm(std::size_t count, unsigned threads, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    const bn254::G1Affine generator{bn254::Fq::from_u64(1), bn254::Fq::from_u64(2)};
    const auto step = *bn254::multiply(generator, {engine(), engine(), engine(), engine() >> 3}).to_affine();
    std::vector<bn254::G1Affine> points;
    std::vector<bn254::Limbs> scalars;
    bn254::G1 point = generator;
    for (std::size_t i = 0; i < count; ++i) {
        points.push_back(*point.to_affine());
        point = point + step;
        scalars.push_back({engine(), engine(), engine(), engine() >> 3});  // below 2^253 < r
    }
    double seconds = 0;
    timed(seconds, [&] { return multi_scalar_multiply<bn254::G1Curve>(points, scalars, threads); });
    return seconds;
}

}  // namespace zokml::prover
