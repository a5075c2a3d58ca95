// An estimate of the time a run of tasks (split sub-proofs) has left, from the tasks done.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace zokml {

// A kind's own mean time once one of its tasks is done, else the seconds per unit of size of all
// done so far times its size: a part and a slice program differ in size, so one mean over all
// tasks misjudges those left.
class TimeLeft {
public:
    struct Task {
        std::string kind;  // e.g. the program's name
        std::size_t size;  // e.g. its constraints
    };
    TimeLeft(const std::vector<Task>& tasks, std::size_t jobs) : jobs_(std::max<std::size_t>(jobs, 1)) {
        for (const Task& task : tasks) {
            Kind& k = kinds_[task.kind];
            k.size = static_cast<double>(task.size);
            ++k.left;
        }
    }
    // A task of `kind` took `seconds`.
    void done(const std::string& kind, double seconds) {
        Kind& k = kinds_.at(kind);
        k.seconds += seconds, ++k.done, --k.left;
        seconds_ += seconds, size_ += k.size;
    }
    // Seconds until the tasks not done are, `jobs` at a time; 0 before the first is done.
    double remaining() const {
        if (size_ == 0) return 0;
        double work = 0;
        for (const auto& [name, k] : kinds_)
            work += static_cast<double>(k.left) * (k.done ? k.seconds / static_cast<double>(k.done) : seconds_ / size_ * k.size);
        return work / static_cast<double>(jobs_);
    }

private:
    struct Kind {
        double size = 0, seconds = 0;
        std::size_t done = 0, left = 0;
    };
    std::map<std::string, Kind> kinds_;
    std::size_t jobs_;
    double seconds_ = 0, size_ = 0;  // over the tasks done
};

}  // namespace zokml
