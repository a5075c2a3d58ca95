#include "zokml/core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <condition_variable>
#include <thread>

namespace zokml {

std::string progress_text(const Progress& p) {
    if (p.total == 0) return fmt::format("{:<10} {:.1f} s ...", p.step, p.elapsed_s);
    if (p.running.empty()) return fmt::format("{:<10} {}/{} done in {:.1f} s", p.step, p.done, p.total, p.elapsed_s);
    return fmt::format("{:<10} {}/{} done, running {} ({:.0f} s, {})", p.step, p.done, p.total, p.running, p.elapsed_s,
                       p.remaining_s > 0 ? fmt::format("~{:.0f} s left", p.remaining_s) : std::string("estimating"));
}

ProgressWriter::ProgressWriter(std::FILE* stream) : stream_(stream), terminal_(::isatty(::fileno(stream)) != 0) {}

// std::fputs, never fmt::print: a progress line must not throw (it runs in a ticker's thread).
void ProgressWriter::update(const Progress& progress) {
    const std::lock_guard lock(mutex_);
    const std::string line = progress_text(progress);
    std::fputs(terminal_ ? ("\r\033[K" + line).c_str() : (line + "\n").c_str(), stream_);
    std::fflush(stream_);
}

void ProgressWriter::finish() {
    const std::lock_guard lock(mutex_);
    if (!terminal_) return;
    std::fputs("\r\033[K", stream_);
    std::fflush(stream_);
}

struct StepProgress::Ticker {
    ProgressWriter writer;
    Progress progress;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    double next_line_s = 5;  // not a terminal: a line after 5 s, then every 30 s
    std::thread thread;

    Ticker(std::string step, std::FILE* stream) : writer(stream) { progress.step = std::move(step); }

    void draw() {
        progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (writer.terminal()) {
            writer.update(progress);
        } else if (progress.elapsed_s >= next_line_s) {
            writer.update(progress);
            next_line_s += 30;
        }
    }
    void loop() {
        std::unique_lock lock(mutex);
        do draw();
        while (!wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; }));
        writer.finish();
    }
};

StepProgress::StepProgress(std::string step, std::FILE* stream) : ticker_(std::make_unique<Ticker>(std::move(step), stream)) {
    ticker_->thread = std::thread([t = ticker_.get()] { t->loop(); });
}

StepProgress::~StepProgress() {
    {
        const std::lock_guard lock(ticker_->mutex);
        ticker_->done = true;
    }
    ticker_->wake.notify_one();
    ticker_->thread.join();
}

}  // namespace zokml
