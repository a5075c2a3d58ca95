// How calibrate chooses among measured quantizations (the goal), and the input range it takes
// from the data: on made-up measurements, without a model.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "zokml/core/errors.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/calibration.hpp"

using namespace zokml;

namespace {

// A candidate measured on 200 inputs whose float accuracy is 95%.
CalibrationCandidate measured(unsigned bits, double accuracy, double agreement, std::size_t constraints) {
    CalibrationCandidate c;
    c.options = {bits, bits, 0};
    c.fidelity = Fidelity{200, 0.95, accuracy, agreement};
    c.constraints = constraints;
    return c;
}

CalibrationCandidate refused(unsigned bits) {
    CalibrationCandidate c;
    c.options = {bits, bits, 0};
    c.refused = "weights do not fit";
    return c;
}

std::size_t chosen(const std::vector<CalibrationCandidate>& candidates, const std::string& goal) {
    const CalibrationChoice choice = choose_calibration(candidates, CalibrationGoal::parse(goal));
    REQUIRE(choice.chosen);
    CHECK(choice.goal_met);
    return *choice.chosen;
}

}  // namespace

TEST_CASE("the agreement goal takes the smallest circuit whose class is the float model's on at least 99.5% of the inputs",
          "[calibrate]") {
    const std::vector<CalibrationCandidate> candidates = {
        measured(4, 0.96, 0.975, 200),  // smallest, but another class than the float model on 2.5%
        measured(6, 0.95, 0.995, 300),  // exactly the goal
        measured(8, 0.95, 1.0, 400),
        measured(10, 0.95, 1.0, 300),  // as small as 6 bits and agrees more: the tie goes to it
    };
    CHECK(chosen(candidates, "agreement") == 3);
    CHECK(chosen({candidates[0], candidates[1], candidates[2]}, "agreement") == 1);
    CHECK(chosen(candidates, "agreement:97.5") == 0);
}

TEST_CASE("the agreement goal does not reward quantization noise: a candidate more accurate than the float model but "
          "agreeing less is not chosen",
          "[calibrate]") {
    const std::vector<CalibrationCandidate> candidates = {measured(4, 0.9591, 0.9766, 250), measured(8, 0.9474, 1.0, 440)};
    CHECK(chosen(candidates, "agreement") == 1);
    CHECK(chosen(candidates, "accuracy") == 0);  // the old goal keeps the most accurate within a point
}

TEST_CASE("when no candidate reaches the agreement asked, the one that agrees most (then the smallest) is chosen and the "
          "goal is reported missed",
          "[calibrate]") {
    const std::vector<CalibrationCandidate> candidates = {refused(2), measured(4, 0.93, 0.97, 200), measured(6, 0.95, 0.99, 400),
                                                          measured(8, 0.95, 0.99, 300)};
    const CalibrationChoice choice = choose_calibration(candidates, CalibrationGoal::parse("agreement:99.5"));
    REQUIRE(choice.chosen);
    CHECK(*choice.chosen == 3);
    CHECK_FALSE(choice.goal_met);
}

TEST_CASE("the accuracy goal takes the most accurate candidate within the loss, the constraints goal the smallest; none "
          "within it is no choice",
          "[calibrate]") {
    std::vector<CalibrationCandidate> candidates = {measured(4, 0.93, 0.96, 200), measured(6, 0.945, 0.99, 300),
                                                    measured(8, 0.95, 1.0, 400), measured(10, 0.95, 1.0, 500)};
    CHECK(chosen(candidates, "accuracy") == 2);
    CHECK(chosen(candidates, "constraints") == 1);
    CalibrationGoal strict = CalibrationGoal::parse("constraints");
    strict.max_loss = 0;
    CHECK(choose_calibration(candidates, strict).chosen == 2u);
    candidates.erase(candidates.begin() + 1, candidates.end());
    const CalibrationChoice none = choose_calibration(candidates, CalibrationGoal::parse("accuracy"));
    CHECK_FALSE(none.chosen);
    CHECK_FALSE(none.goal_met);
}

TEST_CASE("a refused candidate is never chosen, and without any other there is no choice", "[calibrate]") {
    CHECK(chosen({refused(2), measured(4, 0.95, 0.9, 200)}, "accuracy") == 1);
    for (const std::string goal : {"agreement", "accuracy", "constraints"}) {
        const CalibrationChoice choice = choose_calibration({refused(2), refused(3)}, CalibrationGoal::parse(goal));
        CHECK_FALSE(choice.chosen);
        CHECK_FALSE(choice.goal_met);
    }
}

TEST_CASE("a calibration goal is agreement (99.5% by default), agreement:P with P a percentage, accuracy or constraints",
          "[calibrate]") {
    CHECK(CalibrationGoal::parse("agreement").kind == CalibrationGoal::Kind::Agreement);
    CHECK(CalibrationGoal::parse("agreement").min_agreement == 0.995);
    CHECK(CalibrationGoal::parse("agreement:99").min_agreement == 0.99);
    CHECK(CalibrationGoal::parse("agreement:100").min_agreement == 1.0);
    CHECK(CalibrationGoal::parse("accuracy").kind == CalibrationGoal::Kind::Accuracy);
    CHECK(CalibrationGoal::parse("constraints").name() == "constraints");
    // 0.995 is a fraction where a percentage is expected: refused rather than read as 0.995%.
    for (const std::string bad : {"agreement:0.995", "agreement:", "agreement:101", "agreement:99x", "agreement:nan", "speed", ""})
        CHECK_THROWS_WITH(CalibrationGoal::parse(bad), Catch::Contains("agreement:P with P a percentage from 50 to 100"));
}

TEST_CASE("an input range taken from the data is the data's span widened by the margin on each side; data of one value "
          "is refused naming the file",
          "[calibrate]") {
    const FloatBatch batch{{{0.5, -1.0}, {2.0, 1.0}}, {0, 1}};
    CHECK(data_span(batch) == InputRange{-1.0, 2.0});
    CHECK(input_range_from_data(batch, 0.05, "x.npy") == InputRange{-1.15, 2.15});
    CHECK(input_range_from_data(batch, 0, "x.npy") == InputRange{-1.0, 2.0});
    // Rounded outward to three significant digits of the span, the data always inside.
    const FloatBatch measured{{{-1.1556886434555054, 2.4046449661254883}}, {0}};
    CHECK(input_range_from_data(measured, 0.05, "x.npy") == InputRange{-1.34, 2.59});
    CHECK(input_range_from_data({{{0.123456, 0.5}}, {0}}, 0, "x.npy") == InputRange{0.123, 0.5});
    CHECK(input_range_from_data({{{-0.9999999, 0.9999999}}, {0}}, 0, "x.npy") == InputRange{-1.0, 1.0});
    CHECK(input_range_from_data({{{120.0, 4000.0}}, {0}}, 0.05, "x.npy") == InputRange{-80.0, 4200.0});
    try {
        input_range_from_data({{{3.0, 3.0}, {3.0, 3.0}}, {0, 1}}, 0.05, "x.npy");
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.file() == "x.npy");
        CHECK(e.field() == "inputs");
        CHECK_THAT(e.reason(), Catch::Contains("every value is 3") && Catch::Contains("--input-min/--input-max"));
    }
}
