// SPDX-License-Identifier: GPL-2.0-or-later
// The helper's protocol handling and job bookkeeping (see job_manager.hpp).
#include "job_manager.hpp"

#include <algorithm>

#include "job_manager_job.hpp"
#include "modem_match.hpp"
#include "overload.hpp"
#include "status_report.hpp"

namespace mscb::helper {

namespace {
// The plugin's first-call-ended time may precede the job's arrival by this much (both stamped
// on one clock, in two processes).
constexpr Millis kFirstCallEndSlack{1000};

std::string ms(Millis d) {
    return std::to_string(d.count());
}
}  // namespace

JobManager::JobManager(HelperConfig config, HelperPorts& ports, std::string bootId)
    : config_(std::move(config)), ports_(ports), bootId_(std::move(bootId)),
      admission_(AdmissionLimits{config_.maxJobs, config_.userPerHour, config_.numberPerHour}) {}

JobManager::~JobManager() = default;

void JobManager::log(LogLevel level, const std::string& jobId, const std::string& text) {
    ports_.log(level, jobId, text);
}

void JobManager::event(const EventLine& line) { ports_.log(LogLevel::Info, {}, line.format()); }

std::optional<DialerState> JobManager::jobState(const std::string& jobId) const {
    const auto it = jobs_.find(jobId);
    if (it == jobs_.end()) return std::nullopt;
    return it->second->dialer.state();
}

JobManager::Job* JobManager::findJob(const std::string& jobId) {
    const auto it = jobs_.find(jobId);
    return it == jobs_.end() || it->second->finished ? nullptr : it->second.get();
}

JobManager::Job* JobManager::findJobBySession(const std::string& session) {
    for (auto& [id, job] : jobs_) {
        if (!job->finished && job->request.session == session) return job.get();
    }
    return nullptr;
}

void JobManager::reply(ConnId conn, bool ok, const std::string& reason, const std::string& jobId) {
    ports_.send(conn, toMessage(HelperReply{ok, reason, jobId, {}}));
}

void JobManager::onGarbage(ConnId conn, const std::string& reason) {
    log(LogLevel::Warning, {}, "connection " + std::to_string(conn) + ": rejected message: " + reason);
    reply(conn, false, "malformed message");
}

void JobManager::onMessage(ConnId conn, const Message& m, std::optional<int> fd, TimePoint now) {
    // One table of verbs: a verb's role and its handler are written once, so no verb can be
    // classified in one place and handled (or fall through to another handler) in another.
    using Handler = void (*)(JobManager&, ConnId, Conn&, const Message&, std::optional<int>, TimePoint);
    struct Verb {
        std::string_view name;
        ConnKind role;
        Handler handle;
    };
    static constexpr Verb kVerbs[] = {
        {"admit", ConnKind::Plugin, [](JobManager& j, ConnId id, Conn& c, const Message& msg, std::optional<int>,
                                       TimePoint t) { j.onAdmit(id, c, msg, t); }},
        {"number", ConnKind::Plugin, [](JobManager& j, ConnId id, Conn& c, const Message& msg, std::optional<int>,
                                        TimePoint t) { j.onNumber(id, c, msg, t); }},
        {"job", ConnKind::Plugin, [](JobManager& j, ConnId id, Conn& c, const Message& msg, std::optional<int>,
                                     TimePoint t) { j.onJob(id, c, msg, t); }},
        {"report", ConnKind::Plugin, [](JobManager& j, ConnId, Conn& c, const Message& msg, std::optional<int>,
                                        TimePoint) { j.onReport(c, msg); }},
        {"ring", ConnKind::Getty, [](JobManager& j, ConnId id, Conn& c, const Message& msg, std::optional<int>,
                                     TimePoint t) { j.onRing(id, c, msg, t); }},
        {"notice", ConnKind::Plugin, [](JobManager& j, ConnId, Conn& c, const Message& msg, std::optional<int>,
                                        TimePoint) { j.onNotice(c, msg); }},
        {"return", ConnKind::Connector, [](JobManager& j, ConnId id, Conn& c, const Message& msg, std::optional<int>,
                                           TimePoint t) { j.onReturn(id, c, msg, t); }},
        {"line", ConnKind::Connector, [](JobManager& j, ConnId id, Conn& c, const Message& msg, std::optional<int> f,
                                         TimePoint t) { j.onLine(id, c, msg, f, t); }},
        {"status", ConnKind::Control, [](JobManager& j, ConnId id, Conn&, const Message& msg, std::optional<int>,
                                         TimePoint t) {
             if (!msg.fields.empty()) return j.reply(id, false, "'status' takes no fields");
             j.onStatus(id, t);
         }},
        {"history", ConnKind::Control, [](JobManager& j, ConnId id, Conn&, const Message& msg, std::optional<int>,
                                          TimePoint t) {
             if (!msg.fields.empty()) return j.reply(id, false, "'history' takes no fields");
             j.onHistory(id, t);
         }},
        {"cancel", ConnKind::Control, [](JobManager& j, ConnId id, Conn&, const Message& msg, std::optional<int>,
                                         TimePoint t) { j.onCancel(id, msg, t); }},
    };
    const Verb* verb = nullptr;
    for (const auto& v : kVerbs) {
        if (v.name == m.verb) verb = &v;
    }
    if (fd && !(verb && verb->name == "line")) {  // only `line` carries a descriptor
        log(LogLevel::Warning, {}, "connection " + std::to_string(conn) + ": unexpected fd with '" +
                                       escapeForLog(m.verb) + "'");
        reply(conn, false, "unexpected file descriptor");
        return;
    }
    if (!verb) {
        log(LogLevel::Warning, {}, "connection " + std::to_string(conn) + ": unknown verb '" + escapeForLog(m.verb) + "'");
        reply(conn, false, "unknown verb");
        return;
    }
    auto& c = conns_[conn];
    if (c.kind != ConnKind::Unknown && c.kind != verb->role) {
        log(LogLevel::Warning, {}, "connection " + std::to_string(conn) + ": '" + m.verb + "' after another role");
        reply(conn, false, "verb not allowed on this connection");
        return;
    }
    c.kind = verb->role;
    verb->handle(*this, conn, c, m, fd, now);
}

void JobManager::onAdmit(ConnId conn, Conn& c, const Message& m, TimePoint now) {
    if (!c.session.empty()) return reply(conn, false, "one admit per connection");
    auto request = admitFromMessage(m);
    if (!request) {
        log(LogLevel::Warning, {}, "admit rejected: " + request.reason());
        return reply(conn, false, request.reason());
    }
    const bool known = ports_.modemFor(request->line).has_value();
    Result<bool> verdict = admission_.admit(*request, known, now);
    if (verdict) {
        if (auto journal = ports_.journalUsable(); !journal) {
            admission_.dropReservation(request->session);
            verdict = Error{"job journal not writable: " + journal.reason(), "journal"};
        }
    }
    if (!verdict) {
        countRefusal(verdict.kind());
        log(LogLevel::Info, {}, "admit refused: session " + request->session + " user '" +
                                    escapeForLog(request->user) + "' line " + request->line + ": " + verdict.reason());
        event(EventLine("admit-refused")
                  .with("session", request->session)
                  .with("user", request->user)
                  .with("kind", verdict.kind().empty() ? "other" : verdict.kind()));
        ports_.hookEvent(refusedEvent(request->session, request->user, request->line, {}, verdict.kind(),
                                      verdict.reason()));
        return reply(conn, false, verdict.reason());
    }
    c.session = request->session;
    c.user = request->user;
    c.line = request->line;
    log(LogLevel::Info, {}, "admitted session " + request->session + " user '" + escapeForLog(request->user) +
                                "' line " + request->line + " pppd " + std::to_string(request->pppdPid));
    event(EventLine("admitted").with("session", request->session).with("user", request->user).with("line", request->line));
    reply(conn, true, {});
}

void JobManager::countRefusal(const std::string& kind) {
    ++refusals_[kind.empty() ? "other" : kind];
}

void JobManager::onNumber(ConnId conn, Conn& c, const Message& m, TimePoint now) {
    if (c.session.empty()) return reply(conn, false, "number check without admit on this connection");
    auto check = numberCheckFromMessage(m, config_.rules);
    if (!check) {
        countRefusal({});  // the helper's re-check of the number: "other", as it always was
        log(LogLevel::Warning, {}, "number check rejected (session " + c.session + "): " + check.reason());
        return reply(conn, false, check.reason());
    }
    if (check->session != c.session) return reply(conn, false, "number check session differs from the admit");
    auto verdict = admission_.checkNumber(c.session, check->number, now);
    if (!verdict) {
        countRefusal(verdict.kind());
        log(LogLevel::Info, {}, "number refused: session " + c.session + " number " + check->number + ": " +
                                    verdict.reason());
        ports_.hookEvent(refusedEvent(c.session, c.user, c.line, check->number, verdict.kind(), verdict.reason()));
        return reply(conn, false, verdict.reason());
    }
    reply(conn, true, {});
}

void JobManager::onReport(Conn& c, const Message& m) {
    auto report = reportFromMessage(m);
    if (!report || c.session.empty() || report->session != c.session) {
        log(LogLevel::Warning, {}, "report ignored: " + (report ? std::string("not this connection's session")
                                                                : report.reason()));
        return;
    }
    ++refusals_[report->kind];
    log(LogLevel::Info, {}, "plugin refused (session " + c.session + "): " + report->kind + ": " + report->detail);
    // The refused number is the caller's raw input: it stays out of MSCB_NUMBER (the detail
    // carries it escaped).
    ports_.hookEvent(refusedEvent(c.session, c.user, c.line, {}, report->kind, report->detail));
}

void JobManager::onJob(ConnId conn, Conn& c, const Message& m, TimePoint now) {
    if (c.session.empty()) return reply(conn, false, "job without admit on this connection");
    if (!c.jobId.empty()) return reply(conn, false, "one job per connection");
    auto job = jobFromMessage(m, config_.rules);
    if (!job) {
        log(LogLevel::Warning, {}, "job rejected (session " + c.session + "): " + job.reason());
        return reply(conn, false, job.reason());
    }
    if (job->session != c.session) return reply(conn, false, "job session differs from the admit");
    auto modem = ports_.modemFor(job->line);
    if (!modem) {
        admission_.dropReservation(c.session);
        ports_.hookEvent(refusedEvent(job->session, job->user, job->line, job->number, "unknown-line",
                                      "line is not a configured callback modem"));
        return reply(conn, false, "line " + job->line + " is not a configured callback modem");
    }
    auto verdict = admission_.acceptJob(*job, now);
    if (!verdict) {
        countRefusal(verdict.kind());
        log(LogLevel::Info, {}, "job refused: session " + job->session + " number " + job->number + ": " +
                                    verdict.reason());
        ports_.hookEvent(refusedEvent(job->session, job->user, job->line, job->number, verdict.kind(), verdict.reason()));
        return reply(conn, false, verdict.reason());
    }
    const std::string id = ports_.newJobId();
    // A free pool modem dials, so the answering line takes the next caller at once (rotary
    // groups in Cisco IOS, FreeBSD ppp's device list); otherwise the answering line does.
    const auto pool = takePoolModem(id, busyDevices());
    Job& ref = pool ? startPoolJob(id, *job, *pool, now) : makeJob(id, *job, *modem, now);
    c.jobId = id;
    log(LogLevel::Info, id, "job accepted: session " + job->session + " user '" + escapeForLog(job->user) +
                                "' line " + job->line + " modem " + ref.modem.name +
                                (pool ? " (pool, " + pool->device + ")" : std::string()) + " number " + job->number +
                                " kind " + toString(job->kind) + " delay " + std::to_string(job->delaySeconds) + " s");
    event(EventLine("job-accepted")
              .with("job", id)
              .with("session", job->session)
              .with("user", job->user)
              .with("number", job->number)
              .with("modem", ref.modem.name)
              .with("dial-line", ref.dialDevice.empty() ? job->line : ref.dialDevice));
    ports_.hookEvent(requestedEvent(id, *job, ref.modem.name));
    ports_.send(conn, toMessage(HelperReply{true, {}, id, ref.dialDevice}));
    if (pool) {
        runPoolJob(ref, now);  // the pool modem is the helper's already
    } else {
        runActions(ref, ref.dialer.start(now), now);
    }
}

void JobManager::onReturn(ConnId conn, Conn& c, const Message& m, TimePoint now) {
    // No reply on success: the connector, which inherits this connection, reads the replies to
    // its `line`. A refusal is read by it first and fails the return call.
    if (!c.session.empty()) return reply(conn, false, "'return' must come first on its connection");
    auto binding = returnBindingFromMessage(m);
    if (!binding) {
        log(LogLevel::Warning, {}, "return rejected: " + binding.reason());
        return reply(conn, false, binding.reason());
    }
    Job* job = findJobBySession(binding->session);
    if (!job || job->lifeline || job->dialer.state() != DialerState::WaitLine) {
        log(LogLevel::Warning, job ? job->id : std::string{},
            "return for session " + binding->session + (job ? " refused: the job is past waiting for its line"
                                                            : " refused: no job for this session"));
        return reply(conn, false, job ? "job already has its line" : "no job for this session");
    }
    c.session = binding->session;
    c.bound = true;
    job->lifeline = conn;
    if (const auto ended = TimePoint{binding->firstCallEndedMs}; binding->firstCallEndedMs > 0) {
        // Same clock (CLOCK_BOOTTIME) in pppd and here. The job arrived while the first call
        // went down, so its end lies between the job's arrival and now; anything else is wrong.
        if (ended >= job->created - kFirstCallEndSlack && ended <= now) {
            job->firstCallEnded = ended;
            log(LogLevel::Info, job->id, "first call ended " + ms(now - ended) + " ms ago (pppd)");
            event(EventLine("first-call-ended").with("job", job->id).with("ago-ms", (now - ended).count()));
        } else {
            log(LogLevel::Warning, job->id, "first-call-ended-ms " + std::to_string(binding->firstCallEndedMs) +
                                                " is not between the job (" + ms(job->created) + ") and now (" +
                                                ms(now) + "): the delay counts from the hand-over");
        }
    }
}

void JobManager::onLine(ConnId conn, Conn& c, const Message& m, std::optional<int> fd, TimePoint now) {
    if (!c.jobId.empty()) return reply(conn, false, "one line per connection");
    const auto session = m.get("session");
    if (m.fields.size() != 1 || !session) return reply(conn, false, "'line' takes exactly session=");
    if (c.bound && *session != c.session) {
        log(LogLevel::Warning, {}, "line for session '" + escapeForLog(*session) + "' on a connection bound to " +
                                       c.session);
        return reply(conn, false, "connection is bound to another session");
    }
    Job* job = findJobBySession(std::string(*session));
    if (!job) {
        log(LogLevel::Warning, {}, "line for unknown session '" + escapeForLog(*session) + "'");
        return reply(conn, false, "no job for this session");
    }
    if (!fd) {
        log(LogLevel::Warning, job->id, "line message without a file descriptor");
        return reply(conn, false, "no file descriptor attached");
    }
    if (job->connector || job->dialer.state() != DialerState::WaitLine) {
        log(LogLevel::Warning, job->id, "second line hand-over refused");
        return reply(conn, false, "job already has its line");
    }
    auto adopted = ports_.adoptLine(job->id, job->request.line, *fd);
    if (!adopted) {
        log(LogLevel::Warning, job->id, "line refused: " + adopted.reason());
        return reply(conn, false, adopted.reason());
    }
    job->lineAdopted = true;
    job->connector = conn;
    c.jobId = job->id;
    c.session = job->request.session;
    reply(conn, true, {}, job->id);
    dispatch(*job, ev::LineHandedOver{job->firstCallEnded}, now);
}

void JobManager::onCancel(ConnId conn, const Message& m, TimePoint now) {
    const auto id = m.get("job");
    if (m.fields.size() != 1 || !id) return reply(conn, false, "'cancel' takes exactly job=");
    Job* job = findJob(std::string(*id));
    if (!job) return reply(conn, false, "no such job");
    dispatch(*job, ev::Cancel{"mscbctl"}, now);
    reply(conn, true, {}, std::string(*id));
}

void JobManager::onStatus(ConnId conn, TimePoint now) {
    std::vector<JobRow> jobs;
    for (const auto& [id, job] : jobs_) {
        if (job->finished) continue;
        const Dialer& d = job->dialer;
        jobs.push_back({id, job->request.user, job->request.number, job->request.line, job->modem.name,
                        job->dialDevice, d.state(),
                        d.attempt(), d.settings().attempts, job->created, d.deadline(), d.timerAt()});
    }
    std::vector<CallRow> calls;
    for (const auto& [session, call] : calls_) {
        calls.push_back({call.jobId, call.user, call.number, call.line, call.pppdPid, call.since});
    }
    const auto entries = statusEntries(jobs, calls, links_, refusals_, now);
    for (const auto& e : entries) ports_.send(conn, e);
    ports_.send(conn, Message{"end", {{"count", std::to_string(entries.size())}}});
}

void JobManager::onHistory(ConnId conn, TimePoint now) {
    for (const auto& h : history_) {
        Message e{"entry", {}};
        e.set("type", "history").set("job", h.jobId).set("user", h.user).set("number", h.number);
        e.set("line", h.line).set("result", h.result);
        if (!h.reason.empty()) e.set("reason", h.reason.substr(0, kMaxValueBytes));
        e.set("attempts", std::to_string(h.attempts)).set("ago-ms", ms(now - h.finished));
        e.set("job-ms", ms(h.finished - h.created));
        if (h.callEnded) e.set("call-ms", ms(*h.callEnded - h.finished));
        ports_.send(conn, e);
    }
    ports_.send(conn, Message{"end", {{"count", std::to_string(history_.size())}}});
}

void JobManager::onConnectionClosed(ConnId conn, TimePoint now) {
    const auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    const Conn c = it->second;
    conns_.erase(it);
    if (c.kind == ConnKind::Plugin && c.jobId.empty() && !c.session.empty()) {
        admission_.dropReservation(c.session);
        log(LogLevel::Info, {}, "session " + c.session + ": plugin connection closed before a job; admission dropped");
        event(EventLine("admission-dropped").with("session", c.session));
    }
    if (c.kind == ConnKind::Connector && !c.jobId.empty()) {
        if (Job* job = findJob(c.jobId); job && job->connector == conn) {
            job->connector.reset();
            dispatch(*job, ev::ConnectorGone{}, now);
        }
    }
    if (c.bound) {
        if (Job* job = findJobBySession(c.session); job && job->lifeline == conn) {
            job->lifeline.reset();
            if (!job->connector) dispatch(*job, ev::ConnectorGone{}, now);  // pppd gave up before `line`
        }
        const auto call = calls_.find(c.session);
        if (call != calls_.end() && call->second.lifeline == conn) {
            endReturnCall(c.session, "pppd's plugin closed the return call", now);
        }
    }
}

void JobManager::endReturnCall(const std::string& session, const std::string& why, TimePoint now) {
    const auto it = calls_.find(session);
    if (it == calls_.end()) return;
    log(LogLevel::Info, it->second.jobId,
        "return call ended (" + why + ") after " + ms(now - it->second.since) + " ms; pppd " +
            std::to_string(it->second.pppdPid) + " may take callbacks again");
    for (auto& h : history_) {
        if (h.jobId == it->second.jobId) h.callEnded = now;
    }
    ports_.hookEvent(callDownEvent(it->second.facts, why, now - it->second.since));
    admission_.endReturnCall(session);
    calls_.erase(it);
}

void JobManager::onTimer(const std::string& jobId, TimePoint now) {
    if (Job* job = findJob(jobId)) dispatch(*job, ev::TimerFired{}, now);
}

void JobManager::onChatExit(const std::string& jobId, int code, TimePoint now) {
    if (Job* job = findJob(jobId)) dispatch(*job, ev::ChatExited{code}, now);
}

void JobManager::onModemRemoved(const std::string& devnode, TimePoint now) {
    std::vector<Job*> hit;
    for (auto& [id, job] : jobs_) {
        // The modem the job dials from: a pool job does not care about its answering line.
        const auto& dialsFrom = job->dialDevice.empty() ? job->request.line : job->dialDevice;
        if (!job->finished && dialsFrom == devnode) hit.push_back(job.get());
    }
    for (Job* job : hit) dispatch(*job, ev::ModemRemoved{}, now);
}

void JobManager::onPidExit(std::int32_t pid, TimePoint now) {
    std::vector<std::string> sessions;
    for (const auto& [session, call] : calls_) {
        if (call.pppdPid == pid) sessions.push_back(session);
    }
    for (const auto& session : sessions) endReturnCall(session, "pppd " + std::to_string(pid) + " exited", now);
}

void JobManager::onLink(const LinkEvent& event, TimePoint now) {
    logLinkChange(event);
    const auto gone = links_.apply(event, now);
    if (gone) {
        log(LogLevel::Info, {}, "link " + gone->name + " gone (rx " + std::to_string(gone->rxBytes) + " tx " +
                                    std::to_string(gone->txBytes) + " bytes)");
    }
    hookLink(gone);
}

JobManager::Job& JobManager::makeJob(const std::string& id, const CallbackJob& request, const ModemConfig& modem,
                                     TimePoint created) {
    auto settings = config_.dialerSettings(modem);
    settings.dialTypingLead = dialTypingTime(modem.script, request.number.size());
    auto owned = std::make_unique<Job>(id, request, modem, settings, created);
    Job& job = *owned;
    jobs_[id] = std::move(owned);
    return job;
}

void JobManager::runActions(Job& job, const std::vector<DialerAction>& actions, TimePoint now) {
    std::deque<DialerEvent> queue;
    for (const auto& a : actions) execute(job, a, queue, now);
    while (!queue.empty()) {
        const auto e = std::move(queue.front());
        queue.pop_front();
        for (const auto& a : job.dialer.handle(e, now)) execute(job, a, queue, now);
    }
    reap();
}

void JobManager::dispatch(Job& job, DialerEvent event, TimePoint now) {
    runActions(job, job.dialer.handle(event, now), now);
}

void JobManager::journal(Job& job) {
    JournalRecord r{job.id, job.request, bootId_, job.created, job.dialer.snapshot(), job.dialDevice};
    auto text = encodeJournal(r);
    if (!text) {
        log(LogLevel::Error, job.id, "cannot encode the journal: " + text.reason());
        return;
    }
    ports_.journalWrite(job.id, *text);
}

void JobManager::execute(Job& job, const DialerAction& action, std::deque<DialerEvent>& queue, TimePoint now) {
    // std::visit: an action type without a case here does not compile (an if-chain would let
    // it pass silently).
    std::visit(
        Overload{
            [&](const act::Log& a) { log(LogLevel::Info, job.id, a.text); },
            [&](const act::StateChange& change) {
                log(LogLevel::Info, job.id,
                    std::string(toString(change.from)) + " -> " + toString(change.to) + " (" + change.why + ")");
                event(EventLine("job-state").with("job", job.id).with("from", toString(change.from)).with("to", toString(change.to)));
                if (change.to == DialerState::Dialing) {
                    ports_.hookEvent(diallingEvent(job.id, job.request, job.modem.name, job.dialer.attempt(),
                                                   job.dialer.settings().attempts));
                }
            },
            [&](const act::DropDtr&) {
                if (!job.lineAdopted) return;
                const auto result = ports_.dropDtr(job.id);
                if (!isTerminal(job.dialer.state())) {
                    queue.push_back(result == DtrResult::Dropped ? DialerEvent{ev::DtrDropped{}}
                                                                 : DialerEvent{ev::DtrUnsupported{}});
                }
            },
            [&](const act::RaiseDtr&) {
                if (job.lineAdopted) ports_.raiseDtr(job.id);
            },
            [&](const act::RunChat& run) { runChat(job, run, queue); },
            [&](const act::KillChat&) { ports_.killChat(job.id); },
            [&](const act::ArmTimer& arm) { ports_.armTimer(job.id, arm.at); },
            [&](const act::DisarmTimer&) { ports_.disarmTimer(job.id); },
            [&](const act::ReportConnected&) {
                if (!job.dialDevice.empty()) {
                    if (!startPoolReturnCall(job, now)) ports_.dropDtr(job.id);  // hang up the call
                    return;
                }
                if (job.connector) ports_.send(*job.connector, Message{"connected", {{"job", job.id}}});
                // The loop guard lasts as long as this return call: until the plugin closes its
                // `return` connection (a persistent pppd goes on answering), or pppd exits.
                calls_[job.request.session] =
                    ActiveCall{job.id, job.request.user, job.request.number, job.request.line, job.request.pppdPid,
                               now, job.lifeline,
                               CallFacts{job.id, job.request.session, job.request.user, job.request.number,
                                         job.request.line, {}, {}, {}, {}},
                               false};
                admission_.beginReturnCall(job.request.session, job.request.pppdPid);
                ports_.watchPid(job.request.pppdPid);
            },
            [&](const act::ReportFailed& failed) {
                if (!job.connector) return;
                ports_.send(*job.connector,
                            Message{"failed", {{"job", job.id}, {"reason", failed.reason.substr(0, kMaxValueBytes)}}});
            },
            [&](const act::Journal&) { journal(job); },
            [&](const act::Finish&) { finish(job, now); },
        },
        action);
}

void JobManager::runChat(Job& job, const act::RunChat& run, std::deque<DialerEvent>& queue) {
    std::string number;
    if (run.kind == ScriptKind::Dial) {
        // Defence in depth: the number crossed a socket (and maybe a journal file).
        const auto source = job.request.kind == CallbackKind::User ? NumberSource::Peer : NumberSource::Operator;
        auto checked = checkDialNumber(job.request.number, config_.rules, source);
        if (!checked || checked->canonical != job.request.number) {
            log(LogLevel::Error, job.id, "number refused before dialling: " +
                                             (checked ? std::string("not canonical") : checked.reason()));
            queue.push_back(ev::Cancel{"number check"});
            return;
        }
        number = checked->canonical;
    }
    auto started = ports_.runChat(job.id, run.kind, generateChatScript(run.kind, job.modem.script), number, run.watchdog);
    if (!started) {
        log(LogLevel::Error, job.id, std::string("cannot run the ") + toString(run.kind) + " script: " + started.reason());
        queue.push_back(ev::ChatExited{1});
    }
}

void JobManager::finish(Job& job, TimePoint now) {
    job.finished = true;
    ports_.disarmTimer(job.id);
    ports_.journalRemove(job.id);
    ports_.releaseLine(job.id);  // also frees the job's timer when no line ever came
    admission_.jobFinished(job.request.session);
    const auto state = job.dialer.state();
    const std::string result = state == DialerState::Connected ? "connected"
                               : state == DialerState::Cancelled ? "cancelled"
                                                                 : "failed";
    log(state == DialerState::Connected ? LogLevel::Info : LogLevel::Warning, job.id,
        "job " + result + (job.dialer.failureReason().empty() ? "" : ": " + job.dialer.failureReason()) +
            " after " + std::to_string(job.dialer.attempt()) + " dial attempt(s)");
    addHistory(HistoryEntry{job.id, job.request.user, job.request.number, job.request.line, result,
                            job.dialer.failureReason(), job.dialer.attempt(), job.created, now, std::nullopt});
    if (state != DialerState::Connected) {
        ports_.hookEvent(failedEvent(job.id, job.request, job.modem.name,
                                     job.dialer.failureReason().empty() ? result : job.dialer.failureReason(),
                                     job.dialer.attempt()));
    }
}

void JobManager::addHistory(HistoryEntry entry) {
    history_.push_back(std::move(entry));
    while (history_.size() > config_.historySize) history_.pop_front();
}

void JobManager::reap() {
    for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (it->second->finished) {
            for (auto& [conn, c] : conns_) {
                if (c.jobId == it->first && c.kind == ConnKind::Connector) c.jobId.clear();
            }
            it = jobs_.erase(it);
        } else {
            ++it;
        }
    }
}

void JobManager::resumeJournal(const std::vector<std::pair<std::string, std::string>>& files, TimePoint now) {
    for (const auto& [name, text] : files) {
        auto record = decodeJournal(text, config_.rules);
        if (!record) {
            log(LogLevel::Error, {}, "journal file " + escapeForLog(name) + " unusable, job failed: " + record.reason());
            ports_.journalRemove(name);
            continue;
        }
        const auto& r = *record;
        if (r.jobId != name) {
            log(LogLevel::Error, r.jobId, "journal file name " + escapeForLog(name) + " differs from its job id: job failed");
            ports_.journalRemove(name);
            continue;
        }
        auto ok = checkResumable(r, bootId_, now, config_.jobExpiry);
        auto modem = ports_.modemFor(r.job.line);
        if (ok && !modem) ok = Error{"job " + r.jobId + ": line " + r.job.line + " is no longer a configured modem"};
        if (ok && !r.dialLine.empty()) {
            // A pool job: the helper opens its modem again (no connector will bring it).
            const auto it = std::find_if(config_.modems.begin(), config_.modems.end(),
                                         [&](const ModemConfig& m) { return m.pool && m.device == r.dialLine; });
            if (it == config_.modems.end()) {
                ok = Error{"job " + r.jobId + ": " + r.dialLine + " is no longer a pool modem"};
            } else if (auto opened = ports_.openLine(r.jobId, *it); !opened) {
                ok = Error{"job " + r.jobId + ": pool modem " + r.dialLine + " does not open: " + opened.reason()};
            } else {
                modem = *it;
            }
        }
        if (!ok || jobs_.count(r.jobId)) {
            log(LogLevel::Warning, r.jobId, ok ? "duplicate journal entry: job failed" : ok.reason());
            ports_.journalRemove(r.jobId);
            addHistory(HistoryEntry{r.jobId, r.job.user, r.job.number, r.job.line, "failed",
                                    ok ? "duplicate journal entry" : ok.reason(), r.snapshot.attempt, r.created, now,
                                    std::nullopt});
            continue;
        }
        Job& job = makeJob(r.jobId, r.job, *modem, r.created);
        admission_.restoreJob(r.job);
        event(EventLine("job-resumed").with("job", r.jobId).with("was", toString(r.snapshot.state)));
        runActions(job, job.dialer.resume(r.snapshot, now), now);
        if (!r.dialLine.empty()) {
            job.dialDevice = r.dialLine;
            admission_.lineFreed(r.job.session);
            job.lineAdopted = true;
            dispatch(job, ev::LineHandedOver{std::nullopt}, now);
        }
    }
}

void JobManager::shutdown(TimePoint now) {
    // Jobs are suspended, not cancelled: their journal stays so the next helper resumes them
    // when the connector (which reconnects) hands the line over again.
    admission_.setDraining(true);
    for (auto& [id, job] : jobs_) {
        if (job->finished) continue;
        ports_.killChat(id);
        ports_.disarmTimer(id);
        if (job->lineAdopted) ports_.releaseLine(id);
        log(LogLevel::Info, id, std::string("helper stopping: job suspended in ") + toString(job->dialer.state()) +
                                    " after " + ms(now - job->created) + " ms, journal kept");
    }
}

}  // namespace mscb::helper
