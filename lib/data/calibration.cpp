#include "zokml/data/calibration.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <tuple>

namespace zokml {
namespace {

constexpr double kTolerance = 1e-12;  // shares computed as count / n: equal goals compare equal

// How good a measured candidate is for the goal: larger tuples are better.
std::tuple<double, double, double> rank(const CalibrationCandidate& c, CalibrationGoal::Kind kind) {
    const double cheap = -static_cast<double>(c.constraints);
    const Fidelity& f = *c.fidelity;
    switch (kind) {
        case CalibrationGoal::Kind::Agreement: return {cheap, f.agreement, f.quantized_accuracy};
        case CalibrationGoal::Kind::Accuracy: return {f.quantized_accuracy, cheap, f.agreement};
        case CalibrationGoal::Kind::Constraints: return {cheap, f.quantized_accuracy, f.agreement};
    }
    throw std::logic_error("unknown calibration goal");
}

bool reaches(const CalibrationCandidate& c, const CalibrationGoal& goal) {
    const Fidelity& f = *c.fidelity;
    if (goal.kind == CalibrationGoal::Kind::Agreement) return f.agreement >= goal.min_agreement - kTolerance;
    return f.float_accuracy - f.quantized_accuracy <= goal.max_loss + kTolerance;
}

}  // namespace

CalibrationGoal CalibrationGoal::parse(const std::string& text) {
    if (text == "accuracy") return {Kind::Accuracy};
    if (text == "constraints") return {Kind::Constraints};
    if (text == "agreement") return {Kind::Agreement};
    const std::string prefix = "agreement:";
    if (text.starts_with(prefix)) {
        const std::string number = text.substr(prefix.size());
        char* end = nullptr;
        const double percent = std::strtod(number.c_str(), &end);
        if (!number.empty() && *end == '\0' && percent >= 50 && percent <= 100) return {Kind::Agreement, percent / 100};
    }
    throw std::invalid_argument("expected agreement (the default: agreement:99.5), agreement:P with P a percentage from "
                                "50 to 100, accuracy or constraints, got '" + text + "'");
}

std::string CalibrationGoal::name() const {
    switch (kind) {
        case Kind::Agreement: return "agreement";
        case Kind::Accuracy: return "accuracy";
        case Kind::Constraints: return "constraints";
    }
    throw std::logic_error("unknown calibration goal");
}

CalibrationChoice choose_calibration(const std::vector<CalibrationCandidate>& candidates, const CalibrationGoal& goal) {
    CalibrationChoice choice;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const CalibrationCandidate& c = candidates[i];
        if (!c.fidelity || !reaches(c, goal)) continue;
        if (!choice.chosen || rank(c, goal.kind) > rank(candidates[*choice.chosen], goal.kind)) choice.chosen = i;
    }
    choice.goal_met = choice.chosen.has_value();
    if (choice.goal_met || goal.kind != CalibrationGoal::Kind::Agreement) return choice;
    // Nothing reaches the agreement asked for: the closest, then the cheapest.
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const CalibrationCandidate& c = candidates[i];
        if (!c.fidelity) continue;
        const auto key = [](const CalibrationCandidate& x) {
            return std::tuple(x.fidelity->agreement, -static_cast<double>(x.constraints), x.fidelity->quantized_accuracy);
        };
        if (!choice.chosen || key(c) > key(candidates[*choice.chosen])) choice.chosen = i;
    }
    return choice;
}

}  // namespace zokml
