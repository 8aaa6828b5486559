// SPDX-License-Identifier: GPL-2.0-or-later
// The OS edge of pstn-sim: ptys, epoll loop, timers, signals, control socket, event log.
#include "sim.h"

#include <fcntl.h>
#include <linux/gsmmux.h>
#include <linux/tty.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mscb::pstn {
namespace {

constexpr std::uint64_t kMaster = 1;
constexpr std::uint64_t kSignal = 2;
constexpr std::uint64_t kCoreTimer = 3;
constexpr std::uint64_t kRecheckTimer = 4;
constexpr std::uint64_t kControlListen = 5;
constexpr std::uint64_t kControlClient = 6;
constexpr Millis kRecheckMs = 20;
constexpr std::size_t kMaxQueued = 1 << 20;

std::uint64_t tag(std::uint64_t kind, std::uint64_t index) { return (kind << 32) | index; }

void warn(const std::string& what) { std::fprintf(stderr, "pstn-sim: %s\n", what.c_str()); }
std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

bool mkdirs(const std::string& path) {
  std::string cur;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      cur = path.substr(0, i);
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
    }
  }
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string readLink(const std::string& path) {
  char buf[4096];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

bool writeAll(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Simulator::Simulator(SimOptions options)
    : options_(std::move(options)), exchange_(options_.exchange, options_.lines) {}

Simulator::~Simulator() { cleanup(); }

std::int64_t Simulator::monotonicUs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

Millis Simulator::nowMs() const { return monotonicUs() / 1000; }

void Simulator::logEvent(const Event& event) {
  if (logFd_ < 0) return;
  timespec rt{};
  ::clock_gettime(CLOCK_REALTIME, &rt);
  const std::int64_t realUs = static_cast<std::int64_t>(rt.tv_sec) * 1000000 + rt.tv_nsec / 1000;
  // one write() per line: O_APPEND keeps lines whole, nothing is buffered in-process
  if (!writeAll(logFd_, formatEventLine(event, realUs, monotonicUs()))) {
    warn(errnoText("event log write"));
  }
}

bool Simulator::makeRaw(int fd) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return false;
  ::cfmakeraw(&t);
  return ::tcsetattr(fd, TCSANOW, &t) == 0;
}

// ---- setup / cleanup -------------------------------------------------------------------

bool Simulator::setup() {
  // Block the stop signals first: a SIGTERM during setup is read from the signalfd later
  // and still ends in a clean shutdown.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigaddset(&mask, SIGQUIT);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  if (!options_.logPath.empty()) {
    if (options_.logPath == "-") {
      logFd_ = STDOUT_FILENO;
    } else {
      logFd_ = ::open(options_.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (logFd_ < 0) {
        warn(errnoText("cannot open event log " + options_.logPath));
        return false;
      }
      ownLogFd_ = true;
    }
  }
  if (!mkdirs(options_.dir)) {
    warn(errnoText("cannot create directory " + options_.dir));
    return false;
  }
  readyPath_ = options_.dir + "/ready";
  ::unlink(readyPath_.c_str());  // a stale ready file from an earlier run must not count

  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) {
    warn(errnoText("epoll_create1"));
    return false;
  }
  signalFd_ = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  coreTimer_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  recheckTimer_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (signalFd_ < 0 || coreTimer_ < 0 || recheckTimer_ < 0) {
    warn(errnoText("signalfd/timerfd"));
    return false;
  }
  auto add = [this](int fd, std::uint64_t t) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = t;
    return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) == 0;
  };
  if (!add(signalFd_, tag(kSignal, 0)) || !add(coreTimer_, tag(kCoreTimer, 0)) ||
      !add(recheckTimer_, tag(kRecheckTimer, 0))) {
    warn(errnoText("epoll_ctl"));
    return false;
  }

  {
    Event e;
    e.name = "start";
    e.add("pid", static_cast<std::int64_t>(::getpid()))
        .add("dir", options_.dir)
        .add("ring_interval_ms", options_.exchange.ringIntervalMs)
        .add("max_rings", static_cast<std::int64_t>(options_.exchange.maxRings))
        .add("guard_ms", options_.exchange.guardMs)
        .add("dial_delay_ms", options_.exchange.dialDelayMs);
    logEvent(e);
  }

  ports_.resize(exchange_.lineCount());
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    Port& p = ports_[i];
    p.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p.master < 0 || ::grantpt(p.master) != 0 || ::unlockpt(p.master) != 0) {
      warn(errnoText("cannot allocate a pty"));
      return false;
    }
    char name[128];
    if (::ptsname_r(p.master, name, sizeof name) != 0) {
      warn(errnoText("ptsname"));
      return false;
    }
    p.slavePath = name;
    if (!makeRaw(p.master)) warn(errnoText("tcsetattr " + p.slavePath));
    // A fresh master reports no POLLHUP until its slave has been opened and closed once;
    // do that now so "nobody holds the slave" reads the same before and after first use.
    const int s = ::open(p.slavePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s >= 0) ::close(s);
    p.signals = exchange_.hasSignals(i);
    if (p.signals && !setupMux(i)) return false;
    const std::string& target = p.signals ? p.dtePath : p.slavePath;
    p.linkPath = options_.dir + "/" + exchange_.lineName(i);
    const std::string tmp = options_.dir + "/." + exchange_.lineName(i) + ".tmp" +
                            std::to_string(::getpid());
    ::unlink(tmp.c_str());
    if (::symlink(target.c_str(), tmp.c_str()) != 0 ||
        ::rename(tmp.c_str(), p.linkPath.c_str()) != 0) {
      warn(errnoText("cannot publish " + p.linkPath));
      ::unlink(tmp.c_str());
      return false;
    }
    p.linked = true;
    Event e;
    e.name = "line";
    e.add("line", exchange_.lineName(i))
        .add("number", exchange_.lineNumber(i))
        .add("pty", p.slavePath)
        .add("link", p.linkPath)
        .add("signals", p.signals)
        .add("tty", target)
        .add("faults", describeFaults(exchange_.faults(i)));
    logEvent(e);
  }

  if (!options_.controlPath.empty()) {
    sockaddr_un addr{};
    if (options_.controlPath.size() >= sizeof addr.sun_path) {
      warn("control socket path too long: " + options_.controlPath);
      return false;
    }
    controlFd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (controlFd_ < 0) {
      warn(errnoText("socket"));
      return false;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, options_.controlPath.c_str(), options_.controlPath.size() + 1);
    struct stat st {};
    if (::lstat(options_.controlPath.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
      ::unlink(options_.controlPath.c_str());  // stale socket of an earlier run
    }
    const mode_t old = ::umask(0177);
    const int rc = ::bind(controlFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (rc != 0) {
      warn(errnoText("cannot bind control socket " + options_.controlPath));
      return false;
    }
    controlBound_ = true;
    ::chmod(options_.controlPath.c_str(), 0600);
    if (::listen(controlFd_, 16) != 0 || !add(controlFd_, tag(kControlListen, 0))) {
      warn(errnoText("control socket listen"));
      return false;
    }
  }

  // All lines exist: publish readiness (atomically, so readers never see a partial file).
  std::string content = "pid " + std::to_string(::getpid()) + "\n";
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const Port& p = ports_[i];
    content += exchange_.lineName(i) + " " + exchange_.lineNumber(i) + " " +
               (p.signals ? p.dtePath : p.slavePath) + "\n";
  }
  const std::string tmp = options_.dir + "/.ready.tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || !writeAll(fd, content) || ::close(fd) != 0 ||
      ::rename(tmp.c_str(), readyPath_.c_str()) != 0) {
    warn(errnoText("cannot write " + readyPath_));
    ::unlink(tmp.c_str());
    return false;
  }
  readyWritten_ = true;
  Event e;
  e.name = "ready";
  e.add("lines", static_cast<std::int64_t>(ports_.size()));
  logEvent(e);
  armRecheckTimer();
  return true;
}

void Simulator::cleanup() {
  for (Port& p : ports_) {
    const std::string& target = p.signals ? p.dtePath : p.slavePath;
    if (p.linked && readLink(p.linkPath) == target) ::unlink(p.linkPath.c_str());
    p.linked = false;
  }
  if (readyWritten_) ::unlink(readyPath_.c_str());
  readyWritten_ = false;
  if (controlBound_) ::unlink(options_.controlPath.c_str());
  controlBound_ = false;
  for (int fd : controlClients_) ::close(fd);
  controlClients_.clear();
  for (int* fd : {&controlFd_, &signalFd_, &coreTimer_, &recheckTimer_, &epoll_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  for (Port& p : ports_) {
    // closing the mux's slave tears the mux down and hangs up its gsmtty
    if (p.mux >= 0) ::close(p.mux);
    p.mux = -1;
    if (p.madeNode) ::unlink(p.dtePath.c_str());
    p.madeNode = false;
    if (p.master >= 0) ::close(p.master);
    p.master = -1;
  }
  if (ownLogFd_ && logFd_ >= 0) ::close(logFd_);
  logFd_ = -1;
  ownLogFd_ = false;
}

// ---- actions -----------------------------------------------------------------------------

void Simulator::apply() {
  for (Action& a : exchange_.takeActions()) {
    switch (a.kind) {
      case Action::Kind::Log:
        logEvent(a.event);
        break;
      case Action::Kind::Write:
        writePort(a.line, a.data);
        break;
      case Action::Kind::Vhangup:
        vhangup(a.line);
        break;
      case Action::Kind::Signals:
        sendSignals(a.line, a.signals);
        break;
      case Action::Kind::Unplug:
        unplugPort(a.line);
        break;
    }
  }
  armCoreTimer();
}

void Simulator::writePort(std::size_t line, const std::string& data) {
  Port& p = ports_[line];
  if (!p.open) return;  // nobody listens: a modem does not talk to a DTE with DTR down
  if (p.signals && !p.dteOpen) return;
  if (p.out.size() + data.size() > kMaxQueued) {
    warn("output queue of " + exchange_.lineName(line) + " full, dropping " +
         std::to_string(data.size()) + " bytes");
    return;
  }
  if (p.signals) {
    p.gsm.sendData(1, data);
    sendMux(line);
    return;
  }
  p.out += data;
  flushPort(line);
}

// ---- lines with signals ------------------------------------------------------------------

// Puts n_gsm on the slave as the initiator and brings its control channel up, so that the
// DTE can open /dev/gsmttyN as soon as the ready file names it.
bool Simulator::setupMux(std::size_t line) {
  Port& p = ports_[line];
  const std::string name = "line " + exchange_.lineName(line) + ": ";
  p.mux = ::open(p.slavePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (p.mux < 0 || !makeRaw(p.mux)) {
    warn(errnoText(name + "cannot open " + p.slavePath));
    return false;
  }
  int disc = N_GSM0710;
  if (::ioctl(p.mux, TIOCSETD, &disc) != 0) {
    warn(errnoText(name + "signals need the n_gsm line discipline (modprobe n_gsm)"));
    return false;
  }
  gsm_config c{};
  if (::ioctl(p.mux, GSMIOC_GETCONF, &c) != 0) {
    warn(errnoText(name + "GSMIOC_GETCONF"));
    return false;
  }
  c.initiator = 1;
  c.encapsulation = 0;  // basic option: modem status travels as MSC
  c.adaption = 1;
  c.i = 1;              // UIH frames
  c.mru = kGsmMtu;
  c.mtu = kGsmMtu;
  if (::ioctl(p.mux, GSMIOC_SETCONF, &c) != 0) {
    warn(errnoText(name + "GSMIOC_SETCONF"));
    return false;
  }
  std::uint32_t first = 0;
  if (::ioctl(p.mux, GSMIOC_GETFIRST, &first) != 0) {
    warn(errnoText(name + "GSMIOC_GETFIRST"));
    return false;
  }
  p.dtePath = "/dev/gsmtty" + std::to_string(first);
  // The initiator sends SABM on DLCI 0 now; answer it before anyone may open the gsmtty.
  const std::int64_t deadline = monotonicUs() + 3000000;
  while (!p.gsm.isOpen(0)) {
    if (monotonicUs() > deadline) {
      warn(name + "the n_gsm mux did not open its control channel");
      return false;
    }
    pollfd pfd{p.master, POLLIN, 0};
    ::poll(&pfd, 1, 100);
    char buf[512];
    const ssize_t n = ::read(p.master, buf, sizeof buf);
    if (n > 0) p.gsm.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    const std::string reply = p.gsm.takeOutput();
    if (!writeAll(p.master, reply)) warn(errnoText(name + "mux write"));
  }
  // Without devtmpfs/udev nobody makes the node: make it from sysfs.
  struct stat st {};
  if (::stat(p.dtePath.c_str(), &st) != 0) {
    const std::string sys = "/sys/class/tty/gsmtty" + std::to_string(first) + "/dev";
    unsigned major = 0, minor = 0;
    FILE* f = std::fopen(sys.c_str(), "re");
    const bool got = f && std::fscanf(f, "%u:%u", &major, &minor) == 2;
    if (f) std::fclose(f);
    if (!got || ::mknod(p.dtePath.c_str(), S_IFCHR | 0660, makedev(major, minor)) != 0) {
      warn(errnoText(name + "cannot make " + p.dtePath));
      return false;
    }
    p.madeNode = true;
  }
  p.open = true;  // the master stays in the epoll set: the DTE's open/close come as frames
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag(kMaster, line);
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, p.master, &ev) != 0) {
    warn(errnoText(name + "epoll_ctl"));
    return false;
  }
  Event e;
  e.name = "mux";
  e.add("line", exchange_.lineName(line))
      .add("number", exchange_.lineNumber(line))
      .add("tty", p.dtePath)
      .add("mtu", static_cast<std::int64_t>(kGsmMtu));
  logEvent(e);
  return true;
}

void Simulator::muxInput(std::size_t line, std::string_view bytes) {
  Port& p = ports_[line];
  const Millis now = nowMs();
  for (const GsmEvent& ev : p.gsm.feed(bytes)) {
    if (ev.dlci != 1) continue;  // the DTE's device is the mux's first channel
    switch (ev.kind) {
      case GsmEvent::Kind::Open:
        p.dteOpen = true;
        exchange_.portOpened(line, now);
        break;
      case GsmEvent::Kind::Close:
        p.dteOpen = false;
        exchange_.portClosed(line, now);
        break;
      case GsmEvent::Kind::Data:
        exchange_.input(line, ev.data, now);
        break;
      case GsmEvent::Kind::Modem:
        exchange_.dteSignals(line, (ev.bits & kMdmRtc) != 0, (ev.bits & kMdmRtr) != 0, now);
        break;
      case GsmEvent::Kind::Mux:
        break;
    }
  }
  sendMux(line);  // link-level answers first (the DTE's ioctl waits for its MSC answer)
  apply();
}

void Simulator::sendMux(std::size_t line) {
  Port& p = ports_[line];
  std::string frames = p.gsm.takeOutput();
  if (frames.empty()) return;
  p.out += frames;
  flushPort(line);
}

void Simulator::sendSignals(std::size_t line, std::uint8_t signals) {
  Port& p = ports_[line];
  if (!p.signals || !p.dteOpen) return;
  std::uint8_t bits = 0;
  if (signals & kSigDsr) bits |= kMdmRtc;
  if (signals & kSigCts) bits |= kMdmRtr;  // without RTR the DTE's n_gsm stops sending
  if (signals & kSigRi) bits |= kMdmIc;
  if (signals & kSigDcd) bits |= kMdmDv;
  p.gsm.sendModemStatus(1, bits);
  sendMux(line);
}

void Simulator::flushPort(std::size_t line) {
  Port& p = ports_[line];
  while (!p.out.empty()) {
    const ssize_t n = ::write(p.master, p.out.data(), p.out.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) p.out.clear();  // EIO: the slave went away; markClosed follows
      break;
    }
    p.out.erase(0, static_cast<std::size_t>(n));
  }
  updateEpoll(line);
}

void Simulator::updateEpoll(std::size_t line) {
  Port& p = ports_[line];
  if (!p.open) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (p.out.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
  ev.data.u64 = tag(kMaster, line);
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, p.master, &ev);
}

void Simulator::vhangup(std::size_t line) {
  Port& p = ports_[line];
  flushPort(line);
  Event e;
  e.name = "vhangup";
  e.add("line", exchange_.lineName(line)).add("number", exchange_.lineNumber(line));
  const int fd = ::open(p.slavePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    e.add("ok", false).add("error", std::string("open: ") + std::strerror(errno));
  } else if (::ioctl(fd, TIOCVHANGUP) != 0) {
    e.add("ok", false).add("error", std::string("TIOCVHANGUP: ") + std::strerror(errno));
  } else {
    e.add("ok", true);
  }
  if (fd >= 0) ::close(fd);
  logEvent(e);
}

// The modem is gone: taking n_gsm off the pty hangs up and unregisters its gsmtty (every DTE fd reads EOF/EIO from now on); the node we made and
// the line's link go too, as udev would remove them. The line stays so for good.
void Simulator::unplugPort(std::size_t line) {
  Port& p = ports_[line];
  flushPort(line);  // the MSC with DSR/CTS/DCD off first
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, p.master, nullptr);
  if (p.mux >= 0) {
    // A pty's line discipline is released only when both ends are closed, and the master
    // stays ours: swap n_gsm out explicitly (its close hangs up and unregisters the gsmtty).
    int disc = N_TTY;
    if (::ioctl(p.mux, TIOCSETD, &disc) != 0) warn(errnoText("TIOCSETD N_TTY " + p.slavePath));
    ::close(p.mux);
  }
  p.mux = -1;
  if (p.madeNode) ::unlink(p.dtePath.c_str());
  p.madeNode = false;
  if (p.linked && readLink(p.linkPath) == p.dtePath) ::unlink(p.linkPath.c_str());
  p.linked = false;
  p.open = false;
  p.dteOpen = false;
  p.unplugged = true;
  p.out.clear();
  Event e;
  e.name = "removed";
  e.add("line", exchange_.lineName(line)).add("number", exchange_.lineNumber(line)).add("tty", p.dtePath);
  logEvent(e);
  armRecheckTimer();
}

// ---- ports -------------------------------------------------------------------------------

void Simulator::markOpen(std::size_t line) {
  Port& p = ports_[line];
  if (p.open) return;
  p.open = true;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag(kMaster, line);
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, p.master, &ev);
  exchange_.portOpened(line, nowMs());
  apply();
}

// A pppd killed with SIGKILL leaves its PPP line discipline on the slave (the pty lives on while
// we hold the master); a real serial port starts its next open with N_TTY, so ours does too.
void Simulator::resetLineDiscipline(Port& p) {
  const int fd = ::open(p.slavePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  int disc = 0;
  if (::ioctl(fd, TIOCGETD, &disc) == 0 && disc != N_TTY) {
    disc = N_TTY;
    if (::ioctl(fd, TIOCSETD, &disc) != 0) warn(errnoText("TIOCSETD " + p.slavePath));
  }
  ::close(fd);
}

void Simulator::markClosed(std::size_t line) {
  Port& p = ports_[line];
  if (!p.open) return;
  p.open = false;
  p.out.clear();
  // POLLHUP is level-triggered while nobody holds the slave: leave the epoll set and
  // let the recheck timer notice the next open.
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, p.master, nullptr);
  makeRaw(p.master);  // the next DTE finds a raw line again, whatever the last one set
  resetLineDiscipline(p);
  exchange_.portClosed(line, nowMs());
  apply();
  armRecheckTimer();
}

void Simulator::readPort(std::size_t line, bool& closed) {
  Port& p = ports_[line];
  closed = false;
  char buf[4096];
  for (int rounds = 0; rounds < 64; ++rounds) {
    const ssize_t n = ::read(p.master, buf, sizeof buf);
    if (n > 0) {
      const std::string_view bytes(buf, static_cast<std::size_t>(n));
      if (p.signals) {
        muxInput(line, bytes);
      } else {
        exchange_.input(line, bytes, nowMs());
        apply();
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    closed = true;  // EIO (or EOF): the last slave fd is gone
    return;
  }
}

void Simulator::recheckClosedPorts() {
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    Port& p = ports_[i];
    if (p.open || p.unplugged) continue;
    pollfd pfd{p.master, POLLIN, 0};
    if (::poll(&pfd, 1, 0) < 0) continue;
    const bool hup = (pfd.revents & POLLHUP) != 0;
    const bool in = (pfd.revents & POLLIN) != 0;
    if (!hup || in) {
      // Opened (or opened, wrote and closed again between two rechecks).
      markOpen(i);
      bool closed = false;
      if (in) readPort(i, closed);
      if (hup || closed) {
        pollfd again{p.master, POLLIN, 0};
        ::poll(&again, 1, 0);
        if (again.revents & POLLHUP) markClosed(i);
      }
    }
  }
  armRecheckTimer();
}

// ---- timers ------------------------------------------------------------------------------

void Simulator::armCoreTimer() {
  itimerspec its{};
  if (auto due = exchange_.nextDeadline()) {
    const Millis at = *due < 1 ? 1 : *due;  // an all-zero value would disarm the timer
    its.it_value.tv_sec = static_cast<time_t>(at / 1000);
    its.it_value.tv_nsec = static_cast<long>((at % 1000) * 1000000);
  }
  ::timerfd_settime(coreTimer_, TFD_TIMER_ABSTIME, &its, nullptr);
}

void Simulator::armRecheckTimer() {
  bool anyClosed = false;
  for (const Port& p : ports_) anyClosed = anyClosed || (!p.open && !p.unplugged);
  if (anyClosed == recheckArmed_) return;
  itimerspec its{};
  if (anyClosed) {
    its.it_value.tv_nsec = kRecheckMs * 1000000;
    its.it_interval.tv_nsec = kRecheckMs * 1000000;
  }
  ::timerfd_settime(recheckTimer_, 0, &its, nullptr);
  recheckArmed_ = anyClosed;
}

// ---- control socket ----------------------------------------------------------------------

void Simulator::acceptControl() {
  for (;;) {
    const int fd = ::accept4(controlFd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag(kControlClient, static_cast<std::uint64_t>(fd));
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      ::close(fd);
      continue;
    }
    controlClients_.push_back(fd);
  }
}

void Simulator::handleControl(int fd) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) break;  // peer closed or error
    std::string command(buf, static_cast<std::size_t>(n));
    while (!command.empty() && (command.back() == '\n' || command.back() == '\r')) command.pop_back();
    const std::string reply = exchange_.control(command, nowMs());
    apply();
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  std::erase(controlClients_, fd);
}

// ---- main loop ---------------------------------------------------------------------------

void Simulator::loop() {
  epoll_event events[32];
  while (!stop_) {
    const int n = ::epoll_wait(epoll_, events, 32, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      warn(errnoText("epoll_wait"));
      return;
    }
    for (int k = 0; k < n && !stop_; ++k) {
      const std::uint64_t kind = events[k].data.u64 >> 32;
      const std::uint64_t index = events[k].data.u64 & 0xffffffffu;
      const std::uint32_t what = events[k].events;
      if (kind == kSignal) {
        signalfd_siginfo si{};
        while (::read(signalFd_, &si, sizeof si) == sizeof si) {
          stop_ = true;
          stopSignal_ = static_cast<int>(si.ssi_signo);
        }
      } else if (kind == kCoreTimer) {
        std::uint64_t ticks = 0;
        while (::read(coreTimer_, &ticks, sizeof ticks) == sizeof ticks) {
        }
        exchange_.tick(nowMs());
        apply();
      } else if (kind == kRecheckTimer) {
        std::uint64_t ticks = 0;
        while (::read(recheckTimer_, &ticks, sizeof ticks) == sizeof ticks) {
        }
        recheckClosedPorts();
      } else if (kind == kMaster) {
        const auto line = static_cast<std::size_t>(index);
        if (line >= ports_.size() || !ports_[line].open) continue;
        bool closed = false;
        if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) readPort(line, closed);
        if (!closed && (what & EPOLLOUT)) flushPort(line);
        if (closed || (what & (EPOLLHUP | EPOLLERR))) {
          pollfd pfd{ports_[line].master, POLLIN, 0};
          ::poll(&pfd, 1, 0);
          if (pfd.revents & POLLHUP) markClosed(line);
        }
      } else if (kind == kControlListen) {
        acceptControl();
      } else if (kind == kControlClient) {
        handleControl(static_cast<int>(index));
      }
    }
  }
}

int Simulator::run() {
  if (!setup()) {
    cleanup();
    return 1;
  }
  loop();
  Event e;
  e.name = "shutdown";
  e.add("signal", static_cast<std::int64_t>(stopSignal_));
  logEvent(e);
  cleanup();
  return 0;
}

// ---- control client ----------------------------------------------------------------------

int runControlClient(const std::string& socketPath, const std::string& command, int timeoutMs) {
  sockaddr_un addr{};
  if (socketPath.size() >= sizeof addr.sun_path) {
    warn("control socket path too long: " + socketPath);
    return 2;
  }
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    warn(errnoText("socket"));
    return 2;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    warn(errnoText("cannot connect to " + socketPath));
    ::close(fd);
    return 2;
  }
  if (::send(fd, command.data(), command.size(), MSG_NOSIGNAL) < 0) {
    warn(errnoText("send"));
    ::close(fd);
    return 2;
  }
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, timeoutMs) <= 0) {
    warn("no reply from " + socketPath);
    ::close(fd);
    return 2;
  }
  char buf[65536];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  if (n <= 0) {
    warn("no reply from " + socketPath);
    return 2;
  }
  const std::string reply(buf, static_cast<std::size_t>(n));
  std::printf("%s\n", reply.c_str());
  return reply.rfind("ok", 0) == 0 ? 0 : 1;
}

}  // namespace mscb::pstn
