// Choosing a quantization among measured candidates (zokml calibrate): the goal and the choice.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml {

// One quantization tried on labelled data: its fidelity and the circuit's estimated size, or why
// the model cannot be quantized so.
struct CalibrationCandidate {
    QuantizationOptions options;
    std::optional<Fidelity> fidelity;  // none when refused
    std::size_t constraints = 0;       // the private-input circuit's estimate
    std::string refused;               // why, when fidelity is empty
};

// What calibrate looks for.
//   Agreement (the default): the cheapest candidate whose class (the integer reference's, bit for
//     bit the circuit's) is the float model's on at least min_agreement of the inputs;
//   Accuracy: among the candidates within max_loss of the float accuracy, the most accurate;
//   Constraints: among those, the smallest circuit.
struct CalibrationGoal {
    enum class Kind { Agreement, Accuracy, Constraints };
    Kind kind = Kind::Agreement;
    double min_agreement = 0.995;  // a fraction; Agreement only
    double max_loss = 0.01;        // a fraction of the inputs; Accuracy and Constraints only

    // "agreement" or "agreement:P" (P a percentage from 50 to 100, default 99.5), "accuracy",
    // "constraints"; std::invalid_argument saying what is expected otherwise.
    static CalibrationGoal parse(const std::string& text);
    std::string name() const;  // "agreement", "accuracy" or "constraints"
};

struct CalibrationChoice {
    std::optional<std::size_t> chosen;  // an index into the candidates
    bool goal_met = false;
};

// Agreement: the candidate with the fewest constraints whose agreement reaches min_agreement (ties:
// the higher agreement, then the higher accuracy, then the first); when none does, the one with
// the best agreement (then the fewest constraints), goal_met false.
// Accuracy and Constraints: among the candidates that lose at most max_loss, the most accurate
// (then the fewest constraints), or the fewest constraints (then the most accurate); when none
// is within, no choice.
// Refused candidates are never chosen; without any other there is no choice.
CalibrationChoice choose_calibration(const std::vector<CalibrationCandidate>& candidates, const CalibrationGoal& goal);

}  // namespace zokml
