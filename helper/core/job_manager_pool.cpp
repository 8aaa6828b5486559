// SPDX-License-Identifier: GPL-2.0-or-later
// The JobManager's return-call pool: which pool modem a job dials from, the return call's own
// pppd on it, and caller-ID callback (a getty's `ring`), which always dials from the pool.
#include <algorithm>

#include "job_manager.hpp"
#include "job_manager_job.hpp"
#include "modem_match.hpp"

namespace mscb::helper {

JobManager::Job& JobManager::startPoolJob(const std::string& id, const CallbackJob& request, const ModemConfig& pool,
                                          TimePoint now) {
    Job& job = makeJob(id, request, pool, now);
    job.dialDevice = pool.device;
    job.lineAdopted = true;
    job.firstCallEnded = now;
    admission_.lineFreed(request.session);
    return job;
}

void JobManager::runPoolJob(Job& job, TimePoint now) {
    runActions(job, job.dialer.start(now), now);
    dispatch(job, ev::LineHandedOver{job.firstCallEnded}, now);
}

void JobManager::onRing(ConnId conn, Conn& c, const Message& m, TimePoint now) {
    if (!c.session.empty()) return reply(conn, false, "one ring per connection");
    auto ring = ringFromMessage(m);
    if (!ring) {
        log(LogLevel::Warning, {}, "ring rejected: " + ring.reason());
        return reply(conn, false, ring.reason());
    }
    const auto answer = [&](const std::string& kind, const std::string& why) {
        log(LogLevel::Info, {}, "call on " + ring->line + " from " + escapeForLog(ring->number) +
                                    ": no caller-ID callback, the getty answers (" + why + ")");
        event(EventLine("ring-answered").with("line", ring->line).with("number", ring->number).with("kind", kind));
        reply(conn, false, why);
    };
    // The caller ID comes from the network: the same firewall as a number a caller types.
    auto number = checkDialNumber(ring->number, config_.rules, NumberSource::Peer);
    if (!number) return answer("bad-number", "caller ID refused: " + number.reason());
    const auto entry = std::find_if(config_.callerIds.begin(), config_.callerIds.end(),
                                    [&](const CallerIdEntry& e) { return e.number == number->canonical; });
    if (entry == config_.callerIds.end()) return answer("not-listed", "not a caller-ID callback number");
    const std::string id = ports_.newJobId();
    const std::string session = "cid." + id;
    const CallbackJob job{entry->user, ring->line, session, 0, number->canonical, CallbackKind::Admin,
                          config_.callerIdDelay};
    // The limits of any callback: one pending per user and per number, hourly rates, a journal.
    Result<bool> verdict = admission_.admit(AdmitRequest{job.user, job.line, session, 0}, true, now);
    if (verdict) {
        if (auto journal = ports_.journalUsable(); !journal) verdict = Error{"job journal not writable", "journal"};
    }
    if (verdict) verdict = admission_.checkNumber(session, job.number, now);
    if (verdict) verdict = admission_.acceptJob(job, now);
    if (!verdict) {
        admission_.dropReservation(session);
        admission_.jobFinished(session);
        countRefusal(verdict.kind());
        ports_.hookEvent(refusedEvent(session, job.user, job.line, job.number, verdict.kind(), verdict.reason()));
        return answer(verdict.kind().empty() ? "other" : verdict.kind(), verdict.reason());
    }
    const auto pool = takePoolModem(id, busyDevices());
    if (!pool) {
        admission_.jobFinished(session);
        countRefusal("pool-busy");
        ports_.hookEvent(refusedEvent(session, job.user, job.line, job.number, "pool-busy",
                                      "no free pool modem to call back from"));
        return answer("pool-busy", "no free pool modem to call back from");
    }
    Job& ref = startPoolJob(id, job, *pool, now);
    c.session = session;
    c.jobId = id;
    log(LogLevel::Info, id, "caller-ID callback: call on " + job.line + " from " + job.number + " (user '" +
                                escapeForLog(job.user) + "') not answered; calling back from " + pool->name + " in " +
                                std::to_string(job.delaySeconds) + " s");
    event(EventLine("job-accepted")
              .with("job", id)
              .with("session", session)
              .with("user", job.user)
              .with("number", job.number)
              .with("modem", pool->name)
              .with("dial-line", pool->device));
    ports_.hookEvent(requestedEvent(id, job, pool->name));
    ports_.send(conn, toMessage(HelperReply{true, {}, id, pool->device}));
    runPoolJob(ref, now);
}

std::vector<std::string> JobManager::busyDevices() const {
    std::vector<std::string> busy;
    for (const auto& [id, job] : jobs_) {
        if (!job->finished && !job->dialDevice.empty()) busy.push_back(job->dialDevice);
    }
    for (const auto& [session, call] : calls_) busy.push_back(call.line);
    return busy;
}

std::optional<ModemConfig> JobManager::takePoolModem(const std::string& jobId, std::vector<std::string> const& busy) {
    auto tried = busy;
    while (auto pool = choosePoolModem(config_.modems, tried)) {
        if (auto opened = ports_.openLine(jobId, *pool); opened) return pool;
        else log(LogLevel::Warning, jobId, "pool modem " + pool->name + " not usable: " + opened.reason());
        tried.push_back(pool->device);
    }
    return std::nullopt;
}

bool JobManager::startPoolReturnCall(Job& job, TimePoint now) {
    // The return call's own pppd: the same user must authenticate again (mscb-expect-user),
    // and it never offers a callback itself (mscb-callback-leg). pppd on stdin never logs to
    // its own tty (tty.c, "Don't send log messages to the serial port"); its log goes where
    // the options file says (syslog by default).
    const std::vector<std::string> argv{config_.pppdPath,     "file",          config_.returnOptions, "nodetach",
                                        "mscb-callback-leg", "mscb-expect-user", job.request.user};
    auto pid = ports_.startReturnPppd(job.id, argv);
    if (!pid) {
        log(LogLevel::Error, job.id, "cannot start the return call's pppd on " + job.dialDevice + ": " + pid.reason());
        return false;
    }
    log(LogLevel::Info, job.id, "return call's pppd " + std::to_string(*pid) + " started on " + job.dialDevice);
    calls_[job.request.session] =
        ActiveCall{job.id, job.request.user, job.request.number, job.dialDevice, *pid, now, std::nullopt,
                   CallFacts{job.id, job.request.session, job.request.user, job.request.number, job.dialDevice, {}, {},
                             {}, {}},
                   false};
    ports_.watchPid(*pid);
    return true;
}

}  // namespace mscb::helper
