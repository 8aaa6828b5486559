// SPDX-License-Identifier: GPL-2.0-or-later
// One callback job as the JobManager keeps it; private to job_manager*.cpp.
#pragma once

#include "job_manager.hpp"

namespace mscb::helper {

struct JobManager::Job {
    std::string id;
    CallbackJob request;
    ModemConfig modem;
    Dialer dialer;
    TimePoint created{0};
    std::optional<ConnId> connector;
    std::optional<ConnId> lifeline;         ///< the plugin's `return` connection
    std::optional<TimePoint> firstCallEnded;  ///< as the plugin saw it, checked
    bool lineAdopted = false;
    bool finished = false;
    std::string dialDevice;  ///< a pool modem the helper opened; empty: the answering line

    Job(std::string jobId, CallbackJob job, ModemConfig m, DialerSettings settings, TimePoint now)
        : id(std::move(jobId)), request(std::move(job)), modem(std::move(m)),
          dialer(std::move(settings), request.delaySeconds), created(now) {}
};

}  // namespace mscb::helper
