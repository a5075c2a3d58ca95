// Independent tasks run a few at a time.
#pragma once

#include <cstddef>
#include <functional>

namespace zokml {

// task(0) .. task(count - 1) on `jobs` threads (at least one, at most count), each taking the next
// index until none is left; returns when all ran. After the first exception no task starts, and
// that exception is rethrown here once the running ones finished.
void for_each_job(std::size_t count, std::size_t jobs, const std::function<void(std::size_t)>& task);

}  // namespace zokml
