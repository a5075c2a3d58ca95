// The progress of a long step (compile, setup, a proof, sub-proofs), and its line on a stream:
// the command draws it on stderr; the Python binding hands the same counts to tqdm.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace zokml {

struct Progress {
    std::string step;          // "compile", "prove"
    double elapsed_s = 0;
    std::size_t done = 0;      // units done (sub-proofs, proofs) of
    std::size_t total = 0;     // total; 0 for a step that counts none, only its time
    std::string running;       // what has just started, e.g. "part 3 slice 7"; empty when nothing is running
    double remaining_s = 0;    // estimated; 0 before there is anything to estimate from
};

// "compile      3.2 s ...", "prove      3/12 done, running part 1 slice 2 (41 s, ~120 s left)",
// "prove      12/12 done in 160.2 s".
std::string progress_text(const Progress& progress);

// Writes progress lines to a stream (stderr by default): on a terminal each line is redrawn in
// place and erased by finish(), so that the result takes its place; otherwise (a log, CI) one line
// per update. Safe to call from several threads.
class ProgressWriter {
public:
    explicit ProgressWriter(std::FILE* stream = stderr);
    bool terminal() const { return terminal_; }
    void update(const Progress& progress);
    void finish();  // on a terminal the line is erased; otherwise nothing

private:
    std::FILE* stream_;
    bool terminal_;
    std::mutex mutex_;
};

// A step's elapsed time on a ProgressWriter while it lives, from a thread of its own: on a
// terminal every 100 ms, erased when it ends; otherwise a line after 5 s and every 30 s after,
// so that a long step is not silent in a log.
class StepProgress {
public:
    explicit StepProgress(std::string step, std::FILE* stream = stderr);
    ~StepProgress();
    StepProgress(const StepProgress&) = delete;
    StepProgress& operator=(const StepProgress&) = delete;

private:
    struct Ticker;
    std::unique_ptr<Ticker> ticker_;
};

}  // namespace zokml
