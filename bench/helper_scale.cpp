// SPDX-License-Identifier: GPL-2.0-or-later
// Helper at scale (doc/performance.md §3): N concurrent callback jobs on N ptys.
//
// One process plays every other party: it opens N pty pairs, writes a helper.conf with one
// [modem] per pty slave, starts mscb-helper, and for each job sends admit + job as the plugin
// would and hands the slave over as mscb-connect does (SCM_RIGHTS, one connection per job kept
// open as the job's life line). On the master sides it answers like a fast Hayes modem (OK to
// every AT command, CONNECT to ATD) and stamps the CLOCK_BOOTTIME at which each ATD's CR arrives.
// The job's deadline comes from the helper's own journal (absolute CLOCK_BOOTTIME ms, written
// once the hang-up is done), so error = CR arrival - deadline needs no guess about T0.
// In the idle part of the delay (all jobs journaled with a deadline, no script due) it samples
// the helper's CPU time (/proc/PID/stat) and context switches (/proc/PID/status), optionally
// under `strace -c`; VmRSS/VmHWM at idle and at the end.
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>
#include <dirent.h>

#include "mscb/helper_message.hpp"
#include "unix_socket.hpp"

namespace {

using mscb::helper::connectSeqpacket;
using mscb::helper::receiveMessage;
using mscb::helper::sendMessage;

pid_t g_helper = -1;  // stopped by die() so that no helper outlives the driver

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "helper-scale: %s\n", why.c_str());
    if (g_helper > 0) {
        ::kill(g_helper, SIGTERM);
        ::waitpid(g_helper, nullptr, 0);
    }
    std::exit(1);
}

double bootMs() {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Options {
    std::string helper;
    std::string workdir = "/tmp/mscb-helper-scale";
    std::string out = ".";
    std::string runDir;  // default WORKDIR/run; production's /run is a tmpfs
    unsigned jobs = 1000;
    unsigned maxJobs = 0;  // 0: = jobs
    unsigned delayMin = 20;
    unsigned delayMax = 40;
    bool strace = false;
};

struct Line {
    int master = -1;
    int slave = -1;
    std::string path;
    std::string buffer;
    int conn = -1;  // connector connection (the job's life line)
    std::string jobId;
    unsigned delay = 0;
    double deadlineMs = NAN;
    double atdMs = NAN;
    unsigned atds = 0;
    bool offHook = false;
    std::string result;  // connected / failed ...
};

struct ProcSample {
    double t = 0;
    long long cpuTicks = 0;
    long long vcsw = 0, nvcsw = 0;
    long long rssKiB = 0, hwmKiB = 0;
    int fds = 0;
};

long long statusField(const std::string& status, const char* key) {
    const auto at = status.find(std::string("\n") + key + ":");
    if (at == std::string::npos) return -1;
    return std::atoll(status.c_str() + at + std::strlen(key) + 2);
}

std::string readAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ProcSample sample(pid_t pid) {
    ProcSample s;
    s.t = bootMs();
    const auto stat = readAll("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close != std::string::npos) {
        std::istringstream in(stat.substr(close + 2));
        std::string field;
        long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && in >> field; ++i) {
            if (i == 14) utime = std::atoll(field.c_str());
            if (i == 15) stime = std::atoll(field.c_str());
        }
        s.cpuTicks = utime + stime;
    }
    const auto status = "\n" + readAll("/proc/" + std::to_string(pid) + "/status");
    s.vcsw = statusField(status, "voluntary_ctxt_switches");
    s.nvcsw = statusField(status, "nonvoluntary_ctxt_switches");
    s.rssKiB = statusField(status, "VmRSS");
    s.hwmKiB = statusField(status, "VmHWM");
    if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
        while (dirent* e = readdir(d)) s.fds += e->d_name[0] != '.';
        closedir(d);
    }
    return s;
}

void writeFile(const std::string& path, const std::string& text, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        die("cannot write " + path);
    }
    ::fchmod(fd, mode);
    ::close(fd);
}

mscb::Message rpc(int fd, const mscb::Message& request, int passFd = -1) {
    auto wire = mscb::encodeMessage(request);
    if (!wire) die("encode: " + wire.reason());
    if (!sendMessage(fd, *wire, passFd)) die("send " + request.verb);
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 10000) != 1) die("no reply to " + request.verb + " within 10 s");
    auto got = receiveMessage(fd, mscb::kMaxMessageBytes);
    if (!got) die("no reply to " + request.verb + ": " + got.reason());
    auto reply = mscb::decodeMessage(got->bytes);
    if (!reply) die("bad reply: " + reply.reason());
    if (reply->verb != "ok") {
        die(request.verb + " refused: " + std::string(reply->get("reason").value_or("?")));
    }
    return *reply;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// Journal files: "key=value" lines; returns line path -> deadline (boot ms) for files with one.
std::map<std::string, double> readDeadlines(const std::string& dir) {
    std::map<std::string, double> out;
    DIR* d = opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        const auto text = readAll(dir + "/" + e->d_name);
        auto decoded = mscb::decodeMessage(text);
        if (!decoded) continue;
        const auto line = decoded->get("line");
        const auto deadline = decoded->get("deadline");
        if (line && deadline) out[std::string(*line)] = std::atof(std::string(*deadline).c_str());
    }
    closedir(d);
    return out;
}

Options parseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die("missing value for " + a);
            return argv[++i];
        };
        if (a == "--helper") o.helper = next();
        else if (a == "--workdir") o.workdir = next();
        else if (a == "--out") o.out = next();
        else if (a == "--run-dir") o.runDir = next();
        else if (a == "--jobs") o.jobs = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--max-jobs") o.maxJobs = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--delay-min") o.delayMin = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--delay-max") o.delayMax = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--strace") o.strace = true;
        else die("usage: mscb_helper_scale --helper PATH [--jobs N] [--max-jobs M] [--delay-min S] "
                 "[--delay-max S] [--workdir DIR] [--run-dir DIR] [--out DIR] [--strace]");
    }
    if (o.helper.empty()) die("--helper PATH is required");
    if (o.jobs == 0 || o.jobs > 9999) die("--jobs must be 1..9999 (numbers are 555NNNN)");
    if (o.maxJobs == 0) o.maxJobs = o.jobs;
    if (o.runDir.empty()) o.runDir = o.workdir + "/run";
    if (o.delayMax < o.delayMin) die("delay-max < delay-min");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parseArgs(argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    const std::string& W = opt.workdir;
    for (const auto& d : {W, opt.runDir, W + "/journal"}) {
        if (::mkdir(d.c_str(), 0700) != 0 && errno != EEXIST) die("mkdir " + d);
        ::chmod(d.c_str(), 0700);
    }

    // 1. N pty pairs, slaves raw (as pppd leaves its line).
    std::vector<Line> lines(opt.jobs);
    std::map<int, std::size_t> byMaster, byConn;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto& l = lines[i];
        l.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (l.master < 0 || ::grantpt(l.master) || ::unlockpt(l.master)) {
            die("pty " + std::to_string(i) + ": " + std::strerror(errno) + " (kernel.pty.max?)");
        }
        l.path = ::ptsname(l.master);
        l.slave = ::open(l.path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (l.slave < 0) die("open " + l.path);
        termios t{};
        ::tcgetattr(l.slave, &t);
        ::cfmakeraw(&t);
        ::tcsetattr(l.slave, TCSANOW, &t);
        l.delay = opt.delayMin + static_cast<unsigned>((static_cast<unsigned long>(opt.delayMax - opt.delayMin + 1) * i) / lines.size());
        byMaster[l.master] = i;
    }

    // 2. helper.conf: one modem per pty; limits raised to N.
    std::string conf = "socket = " + W + "/helper.sock\nrun-dir = " + opt.runDir + "\njournal-dir = " + W +
                       "/journal\nmax-jobs = " + std::to_string(opt.maxJobs) +
                       "\nattempts = 1\nreset-lead = 1\nline-wait = 60\nuser-per-hour = 1000\n"
                       "number-per-hour = 1000\nhistory = 1000\n";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        conf += "\n[modem m" + std::to_string(i) + "]\ndevice = " + lines[i].path +
                "\nhangup = escape\ndial-prefix = T\ncommand-timeout = 10\nconnect-timeout = 30\n";
    }
    const std::string confPath = W + "/helper.conf";
    writeFile(confPath, conf, 0600);
    writeFile(opt.out + "/helper.conf", conf, 0644);

    // 3. The helper, logging to OUT/helper.log.
    const std::string sock = W + "/helper.sock";
    ::unlink(sock.c_str());
    const double tStart = bootMs();
    const pid_t helper = ::fork();
    if (helper > 0) g_helper = helper;
    if (helper == 0) {
        const int log = ::open((opt.out + "/helper.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(log, 1);
        ::dup2(log, 2);
        ::execl(opt.helper.c_str(), opt.helper.c_str(), "--config", confPath.c_str(), "--foreground",
                "--no-syslog", "--no-monitors", static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
        struct stat st{};
        if (::stat(sock.c_str(), &st) == 0) break;
        int status = 0;
        if (::waitpid(helper, &status, WNOHANG) == helper) die("helper exited at start (see helper.log)");
        ::usleep(50000);
    }
    const double tReady = bootMs();
    const ProcSample atStart = sample(helper);

    // 4. admit + job (plugin role, connection closed after), then the line (connector role, kept).
    const int me = static_cast<int>(::getpid());
    std::vector<double> admitMs, jobMs, lineMs;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto& l = lines[i];
        char user[32], session[32], number[32];
        const auto n = static_cast<unsigned>(i % 10000);
        std::snprintf(user, sizeof user, "u%04u", n);
        std::snprintf(session, sizeof session, "bench.%04u", n);
        std::snprintf(number, sizeof number, "555%04u", n);
        {
            auto plugin = connectSeqpacket(sock);
            if (!plugin) die("connect: " + plugin.reason());
            double t = bootMs();
            rpc(plugin->get(), mscb::toMessage(mscb::AdmitRequest{user, l.path, session, me}));
            admitMs.push_back(bootMs() - t);
            t = bootMs();
            rpc(plugin->get(), mscb::toMessage(mscb::CallbackJob{user, l.path, session, me, number,
                                                                 mscb::CallbackKind::User, l.delay}));
            jobMs.push_back(bootMs() - t);
        }
        const double tLine = bootMs();
        auto conn = connectSeqpacket(sock);
        if (!conn) die("connect: " + conn.reason());
        auto ok = rpc(conn->get(), mscb::Message{"line", {{"session", session}}}, l.slave);
        lineMs.push_back(bootMs() - tLine);
        l.jobId = std::string(ok.get("job").value_or(""));
        ::close(l.slave);
        l.slave = -1;
        l.conn = conn.value().release();
        ::fcntl(l.conn, F_SETFL, O_NONBLOCK);
        byConn[l.conn] = i;
    }
    const double tHanded = bootMs();
    std::fprintf(stderr, "helper-scale: %zu jobs handed over in %.0f ms\n", lines.size(), tHanded - tReady);

    // 5. The modems and the connector replies, until every job has a result.
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    for (auto& l : lines) {
        epoll_event ev{EPOLLIN, {}};
        ev.data.fd = l.master;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, l.master, &ev);
        ev.data.fd = l.conn;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, l.conn, &ev);
    }
    std::size_t results = 0, atdsSeen = 0;
    double lastCommandAt = bootMs();
    std::size_t offHooks = 0, journaled = 0;
    std::map<std::string, std::size_t> byPath;
    for (std::size_t i = 0; i < lines.size(); ++i) byPath[lines[i].path] = i;
    double idleFrom = NAN, idleTo = NAN, minDeadline = NAN;
    std::optional<ProcSample> idleStart, idleEnd;
    pid_t strace = -1;
    const double giveUp = tHanded + (opt.delayMax + 120) * 1000.0;
    std::vector<epoll_event> events(256);
    double nextJournalPoll = bootMs();
    while (results < lines.size() && bootMs() < giveUp) {
        double now = bootMs();
        // Idle window: all jobs journaled with a deadline; it ends 0.5 s before the first reset.
        if (journaled < lines.size() && now >= nextJournalPoll) {
            // Deadlines are kept as first seen (a job's deadline never moves; its journal file
            // goes once it ends), so jobs that dial before the last hand-over still count.
            nextJournalPoll = now + 100;
            for (const auto& [path, deadline] : readDeadlines(W + "/journal")) {
                auto& l = lines[byPath.at(path)];
                if (std::isnan(l.deadlineMs)) {
                    l.deadlineMs = deadline;
                    ++journaled;
                }
            }
        }
        if (std::isnan(idleFrom) && journaled == lines.size()) {
            // (the deadline is journaled at the hand-over) and every line went off-hook (ATH1, after
            // the +++ATH0 hang-up with its 4 s of guard time), 1 s after the last AT command.
            if (offHooks == lines.size() && now - lastCommandAt >= 1000) {
                minDeadline = 1e300;
                for (auto& l : lines) minDeadline = std::min(minDeadline, l.deadlineMs);
                idleFrom = now + 500;
                idleTo = minDeadline - 1000 /* reset-lead */ - 500;
                if (idleTo <= idleFrom) idleFrom = -1;  // no idle part: do not look again
                std::fprintf(stderr, "helper-scale: all deadlines journaled; idle window %.1f s\n",
                             (idleTo - idleFrom) / 1000);
            }
        }
        if (!idleStart && !std::isnan(idleFrom) && now >= idleFrom && idleTo > idleFrom) {
            if (opt.strace) {
                strace = ::fork();
                if (strace == 0) {
                    const std::string p = std::to_string(helper), o = opt.out + "/strace-idle.txt";
                    ::execlp("strace", "strace", "-c", "-f", "-p", p.c_str(), "-o", o.c_str(),
                             static_cast<char*>(nullptr));
                    _exit(127);
                }
                ::usleep(300000);  // attach
            }
            idleStart = sample(helper);
        }
        if (idleStart && !idleEnd && now >= idleTo) {
            idleEnd = sample(helper);
            if (strace > 0) {
                ::kill(strace, SIGINT);
                ::waitpid(strace, nullptr, 0);
            }
        }
        int timeout = 50;
        const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout);
        for (int k = 0; k < n; ++k) {
            const int fd = events[static_cast<std::size_t>(k)].data.fd;
            if (auto m = byMaster.find(fd); m != byMaster.end()) {
                auto& l = lines[m->second];
                char buf[512];
                for (;;) {
                    const ssize_t got = ::read(fd, buf, sizeof buf);
                    if (got == 0 || (got < 0 && errno == EIO)) {
                        // Every slave fd is closed (the job ended and the helper let the line
                        // go): a hung-up master stays readable forever, so stop watching it or
                        // this loop spins and takes a core from the helper it measures.
                        ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
                        break;
                    }
                    if (got < 0) break;
                    const double at = bootMs();
                    for (ssize_t b = 0; b < got; ++b) {
                        const char c = buf[b];
                        if (c != '\r' && c != '\n') {
                            if (l.buffer.size() < 256) l.buffer.push_back(c);
                            continue;
                        }
                        std::string cmd = l.buffer;
                        l.buffer.clear();
                        for (auto& ch : cmd) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                        if (cmd.rfind("AT", 0) != 0) continue;  // "+++", empty lines: no answer
                        lastCommandAt = at;
                        if (cmd.rfind("ATH1", 0) == 0 && !l.offHook) {
                            l.offHook = true;
                            ++offHooks;
                        }
                        const char* reply = "\r\nOK\r\n";
                        if (cmd.rfind("ATD", 0) == 0) {
                            if (l.atds++ == 0) l.atdMs = at;
                            ++atdsSeen;
                            reply = "\r\nCONNECT 33600\r\n";
                        }
                        (void)!::write(fd, reply, std::strlen(reply));
                    }
                }
            } else if (auto c = byConn.find(fd); c != byConn.end()) {
                auto& l = lines[c->second];
                auto got = receiveMessage(fd, mscb::kMaxMessageBytes);
                if (!got && got.reason() == "again") continue;
                std::string verdict = "closed";
                if (got) {
                    auto msg = mscb::decodeMessage(got->bytes);
                    verdict = msg ? msg->verb : "garbage";
                    if (msg && msg->get("reason")) verdict += ":" + std::string(*msg->get("reason"));
                }
                if (l.result.empty()) {
                    l.result = verdict;
                    ++results;
                }
                ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
                ::close(fd);
                byConn.erase(c);
            }
        }
    }
    const double tEnd = bootMs();
    const ProcSample atEnd = sample(helper);
    ::kill(helper, SIGTERM);
    int status = 0;
    ::waitpid(helper, &status, 0);
    const std::string helperExit = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                     : "signal " + std::to_string(WTERMSIG(status));

    // 6. Results.
    std::vector<double> errors;
    std::map<std::string, int> verdicts;
    std::string csv = "job,line,delay_s,deadline_boot_ms,atd_boot_ms,error_ms,atds,result\n";
    for (const auto& l : lines) {
        const double err = l.atdMs - l.deadlineMs;
        if (!std::isnan(err)) errors.push_back(err);
        ++verdicts[l.result.empty() ? "none" : l.result];
        char row[256];
        std::snprintf(row, sizeof row, "%s,%s,%u,%.0f,%.3f,%.3f,%u,%s\n", l.jobId.c_str(), l.path.c_str(),
                      l.delay, l.deadlineMs, l.atdMs, err, l.atds, l.result.c_str());
        csv += row;
    }
    writeFile(opt.out + "/jobs.csv", csv, 0644);
    const long hz = ::sysconf(_SC_CLK_TCK);
    std::string s;
    char line[512];
    auto add = [&](const char* fmt, auto... args) {
        std::snprintf(line, sizeof line, fmt, args...);
        s += line;
    };
    add("jobs %zu (max-jobs %u), delays %u-%u s, pty slaves %s .. %s\n", lines.size(), opt.maxJobs, opt.delayMin,
        opt.delayMax, lines.front().path.c_str(), lines.back().path.c_str());
    add("hand-over of all jobs (admit+job+line each): %.0f ms\n", tHanded - tReady);
    add("reply latency, ms p50/p99/max: admit %.2f/%.2f/%.2f, job %.2f/%.2f/%.2f, line (connect+SCM_RIGHTS) %.2f/%.2f/%.2f\n",
        percentile(admitMs, 50), percentile(admitMs, 99), percentile(admitMs, 100), percentile(jobMs, 50),
        percentile(jobMs, 99), percentile(jobMs, 100), percentile(lineMs, 50), percentile(lineMs, 99),
        percentile(lineMs, 100));
    std::string v;
    for (const auto& [k, n] : verdicts) v += " " + k + "=" + std::to_string(n);
    add("results:%s; ATDs seen %zu\n", v.c_str(), atdsSeen);
    const auto negatives = std::count_if(errors.begin(), errors.end(), [](double e) { return e < 0; });
    add("timer error (ATD CR at modem - journaled deadline), ms: n %zu min %.1f p50 %.1f p90 %.1f p99 %.1f max %.1f; negative %ld\n",
        errors.size(), errors.empty() ? NAN : *std::min_element(errors.begin(), errors.end()), percentile(errors, 50),
        percentile(errors, 90), percentile(errors, 99),
        errors.empty() ? NAN : *std::max_element(errors.begin(), errors.end()), static_cast<long>(negatives));
    add("helper RSS: at start %lld KiB, idle %lld KiB, end %lld KiB, VmHWM %lld KiB\n", atStart.rssKiB,
        idleStart ? idleStart->rssKiB : -1LL, atEnd.rssKiB, atEnd.hwmKiB);
    add("helper fds: at start %d, idle %d\n", atStart.fds, idleStart ? idleStart->fds : -1);
    if (idleStart && idleEnd) {
        const double secs = (idleEnd->t - idleStart->t) / 1000;
        add("idle window %.1f s: CPU %lld ticks (%.3f s at %ld Hz), voluntary ctxt switches %lld, involuntary %lld "
            "(%.2f wakeups/s)\n",
            secs, idleEnd->cpuTicks - idleStart->cpuTicks,
            static_cast<double>(idleEnd->cpuTicks - idleStart->cpuTicks) / static_cast<double>(hz), hz,
            idleEnd->vcsw - idleStart->vcsw, idleEnd->nvcsw - idleStart->nvcsw,
            static_cast<double>(idleEnd->vcsw - idleStart->vcsw) / secs);
    } else {
        add("idle window: none (deadlines journaled too late or spread too narrow)\n");
    }
    add("helper after SIGTERM: %s\n", helperExit.c_str());
    add("helper CPU whole run: %.2f s over %.1f s\n",
        static_cast<double>(atEnd.cpuTicks - atStart.cpuTicks) / static_cast<double>(hz), (tEnd - tStart) / 1000);
    writeFile(opt.out + "/summary.txt", s, 0644);
    std::fputs(s.c_str(), stdout);
    return results == lines.size() && negatives == 0 ? 0 : 1;
}
