// A long step's progress as zokml draws it (core/progress.hpp).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "zokml/core/progress.hpp"

using namespace zokml;

namespace {

// What a writer to a temporary file (not a terminal) wrote.
std::string written(std::FILE* file) {
    std::rewind(file);
    std::string text;
    for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) text += static_cast<char>(c);
    return text;
}

}  // namespace

TEST_CASE("a step without a count shows its time", "[progress]") {
    CHECK(progress_text({.step = "compile", .elapsed_s = 3.24}) == "compile    3.2 s ...");
}

TEST_CASE("counted work shows what is done, what runs and the time left once there is an estimate", "[progress]") {
    const Progress running{.step = "prove", .elapsed_s = 41, .done = 3, .total = 12, .running = "part 1 slice 2", .remaining_s = 120};
    CHECK(progress_text(running) == "prove      3/12 done, running part 1 slice 2 (41 s, ~120 s left)");
    CHECK(progress_text({.step = "prove", .elapsed_s = 2, .done = 0, .total = 12, .running = "part 0 slice 0"}) ==
          "prove      0/12 done, running part 0 slice 0 (2 s, estimating)");
    CHECK(progress_text({.step = "prove", .elapsed_s = 160.24, .done = 12, .total = 12}) == "prove      12/12 done in 160.2 s");
}

TEST_CASE("progress to a file that is not a terminal is a line per update, nothing erased", "[progress]") {
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    {
        ProgressWriter writer(file);
        CHECK_FALSE(writer.terminal());
        writer.update({.step = "prove", .done = 1, .total = 2, .running = "b"});
        writer.update({.step = "prove", .elapsed_s = 1, .done = 2, .total = 2});
        writer.finish();
    }
    CHECK(written(file) == "prove      1/2 done, running b (0 s, estimating)\nprove      2/2 done in 1.0 s\n");
    std::fclose(file);
}
