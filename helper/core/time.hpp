// SPDX-License-Identifier: GPL-2.0-or-later
// Time as the helper core sees it: milliseconds on one monotonic clock, always passed in.
#pragma once

#include <chrono>
#include <cstdint>

namespace mscb::helper {

/// Milliseconds since the clock's epoch (the daemon uses CLOCK_BOOTTIME, tests a fake).
using Millis = std::chrono::milliseconds;
/// A point in time on that clock; the core never reads a clock itself.
using TimePoint = Millis;

}  // namespace mscb::helper
