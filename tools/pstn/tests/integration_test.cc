// SPDX-License-Identifier: GPL-2.0-or-later
// Integration tests: the real pstn-sim process on real ptys, driven by /usr/sbin/chat.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = std::map<std::string, std::string>;  // flat object: strings decoded, others raw

constexpr const char* kChat = "/usr/sbin/chat";

// Parses one flat JSON object line as written by pstn-sim.
std::optional<Json> parseJsonLine(const std::string& line) {
  Json out;
  std::size_t i = 0;
  auto ws = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\n')) ++i;
  };
  auto str = [&]() -> std::optional<std::string> {
    if (i >= line.size() || line[i] != '"') return std::nullopt;
    ++i;
    std::string s;
    while (i < line.size() && line[i] != '"') {
      if (line[i] == '\\') {
        if (++i >= line.size()) return std::nullopt;
        if (line[i] != '"' && line[i] != '\\') return std::nullopt;  // writer uses only these
      } else if (static_cast<unsigned char>(line[i]) < 0x20) {
        return std::nullopt;
      }
      s.push_back(line[i++]);
    }
    if (i >= line.size()) return std::nullopt;
    ++i;
    return s;
  };
  ws();
  if (i >= line.size() || line[i++] != '{') return std::nullopt;
  for (;;) {
    ws();
    auto key = str();
    if (!key) return std::nullopt;
    ws();
    if (i >= line.size() || line[i++] != ':') return std::nullopt;
    ws();
    if (i < line.size() && line[i] == '"') {
      auto v = str();
      if (!v) return std::nullopt;
      out[*key] = *v;
    } else {
      std::string raw;
      while (i < line.size() && line[i] != ',' && line[i] != '}') raw.push_back(line[i++]);
      if (raw.empty()) return std::nullopt;
      out[*key] = raw;
    }
    ws();
    if (i >= line.size()) return std::nullopt;
    if (line[i] == '}') return out;
    if (line[i++] != ',') return std::nullopt;
  }
}

// Waits for a child with a deadline; kills it when the deadline passes. Returns the wait status.
int waitChild(pid_t pid, int timeoutMs) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  int status = 0;
  while (Clock::now() < deadline) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

struct RunResult {
  int exitCode = -1;
  std::string output;
};

// Runs a command with stdout+stderr captured (and optionally stdin/stdout on a tty fd).
RunResult runCommand(const std::vector<std::string>& argv, int timeoutMs, int ttyFd = -1,
                     const std::string& stderrFile = "") {
  char tmpl[] = "/tmp/pstn-it-out.XXXXXX";
  const int outFd = ::mkstemp(tmpl);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (ttyFd >= 0) {
      ::dup2(ttyFd, 0);
      ::dup2(ttyFd, 1);
    } else {
      ::dup2(outFd, 1);
    }
    const int errFd = stderrFile.empty()
                          ? outFd
                          : ::open(stderrFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(errFd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  RunResult r;
  const int status = waitChild(pid, timeoutMs);
  r.exitCode = (status >= 0 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  std::ifstream in(tmpl);
  r.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  ::close(outFd);
  ::unlink(tmpl);
  return r;
}

// Reads from fd until `needle` shows up, EOF/EIO, or the timeout. Returns everything read.
std::string readUntil(int fd, const std::string& needle, int timeoutMs, bool* eof = nullptr) {
  std::string got;
  if (eof) *eof = false;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  while (got.find(needle) == std::string::npos || needle.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[512];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (eof) *eof = true;
      break;
    }
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

void writeStr(int fd, const std::string& s) {
  ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

class PstnSim : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pstn-it.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/run";
    log_ = root_ + "/events.log";
    control_ = dir_ + "/control";
  }

  void TearDown() override {
    stop();
    if (HasFailure()) {
      std::ifstream in(log_);
      std::string line;
      std::fprintf(stderr, "---- event log ----\n");
      while (std::getline(in, line)) std::fprintf(stderr, "%s\n", line.c_str());
      std::ifstream err(root_ + "/stderr");
      while (std::getline(err, line)) std::fprintf(stderr, "stderr: %s\n", line.c_str());
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {PSTN_SIM_BINARY, "--dir",  dir_,         "--log",
                                     log_,            "--control", control_, "--ring-interval",
                                     "100",           "--max-rings", "3",     "--guard-time",
                                     "200",           "--line",  "mA=5550001", "--line",
                                     "mB=5551234"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int err = ::open((root_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(err, 2);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    // ready means: DIR/ready exists and names this process (not a stale file of an earlier run)
    const std::string want = "pid " + std::to_string(pid_);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    bool ready = false;
    while (!ready && Clock::now() < deadline) {
      std::ifstream in(dir_ + "/ready");
      std::string first;
      ready = std::getline(in, first) && first == want;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(ready) << "pstn-sim did not become ready";
  }

  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const int status = waitChild(pid_, 5000);
    pid_ = -1;
    return status;
  }

  int openLine(const std::string& name) {
    const int fd = ::open((dir_ + "/" + name).c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    EXPECT_GE(fd, 0) << name << ": " << std::strerror(errno);
    return fd;
  }

  // Opens a line, sends a command line and waits for its final result.
  int openAndCommand(const std::string& name, const std::string& cmd) {
    const int fd = openLine(name);
    writeStr(fd, cmd + "\r");
    const std::string got = readUntil(fd, "OK\r\n", 3000);
    EXPECT_NE(got.find("OK\r\n"), std::string::npos) << name << " " << cmd << ": " << got;
    return fd;
  }

  RunResult chat(int fd, const std::vector<std::string>& script) {
    std::vector<std::string> argv = {kChat, "-v", "-s", "-t", "5"};
    argv.insert(argv.end(), script.begin(), script.end());
    return runCommand(argv, 10000, fd, root_ + "/chat.stderr");
  }

  RunResult ctl(const std::vector<std::string>& words) {
    std::vector<std::string> argv = {PSTN_SIM_BINARY, "ctl", control_};
    argv.insert(argv.end(), words.begin(), words.end());
    return runCommand(argv, 10000);
  }

  std::vector<Json> events() {
    std::vector<Json> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) {
      auto j = parseJsonLine(line);
      EXPECT_TRUE(j.has_value()) << "not a JSON line: " << line;
      if (j) out.push_back(*j);
    }
    return out;
  }

  std::vector<Json> events(const std::string& name) {
    std::vector<Json> out;
    for (auto& e : events()) {
      if (e["event"] == name) out.push_back(e);
    }
    return out;
  }

  // Polls the log until an event with the given fields shows up.
  bool waitEvent(const Json& match, int timeoutMs) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    do {
      for (auto& e : events()) {
        bool ok = true;
        for (const auto& [k, v] : match) ok = ok && e[k] == v;
        if (ok) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (Clock::now() < deadline);
    return false;
  }

  std::string root_, dir_, log_, control_;
  pid_t pid_ = -1;
};

bool haveChat() { return ::access(kChat, X_OK) == 0; }

TEST_F(PstnSim, ChatDialsConnectsRelaysAndDtrDropGivesFarEndNoCarrier) {
  if (!haveChat()) GTEST_SKIP() << kChat << " not installed";
  start();
  EXPECT_TRUE(fs::is_symlink(dir_ + "/mA"));
  EXPECT_EQ(fs::read_symlink(dir_ + "/mA").string().rfind("/dev/pts/", 0), 0u);

  const int b = openAndCommand("mB", "ATS0=1");
  const int a = openLine("mA");  // held across chat's exit: no DTR drop when chat ends
  const RunResult r = chat(a, {"-T", "5551234", "", "ATZ", "OK", "ATDT\\T", "CONNECT", ""});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  const std::string bSaw = readUntil(b, "CONNECT 33600\r\n", 3000);
  EXPECT_NE(bSaw.find("RING"), std::string::npos) << bSaw;
  EXPECT_NE(bSaw.find("CONNECT 33600"), std::string::npos) << bSaw;

  writeStr(a, "ping-from-A\x7e\x01");
  EXPECT_NE(readUntil(b, "ping-from-A\x7e\x01", 3000).find("ping-from-A\x7e\x01"),
            std::string::npos);
  writeStr(b, "pong-from-B");
  EXPECT_NE(readUntil(a, "pong-from-B", 3000).find("pong-from-B"), std::string::npos);

  ::close(a);  // DTR drop on A
  bool eof = false;
  const std::string tail = readUntil(b, "NO CARRIER\r\n", 3000, &eof);
  EXPECT_NE(tail.find("NO CARRIER"), std::string::npos) << tail;
  if (::geteuid() == 0) {
    // carrier loss: TIOCVHANGUP makes B's fd read EOF/EIO
    readUntil(b, "", 3000, &eof);
    EXPECT_TRUE(eof);
    EXPECT_TRUE(waitEvent({{"event", "vhangup"}, {"line", "mB"}, {"ok", "true"}}, 3000));
  }
  ::close(b);
  EXPECT_TRUE(waitEvent({{"event", "hangup"}, {"line", "mB"}, {"cause", "far-end"}}, 3000));

  auto dials = events("dial");
  ASSERT_EQ(dials.size(), 1u);
  EXPECT_EQ(dials[0]["line"], "mA");
  EXPECT_EQ(dials[0]["number"], "5550001");
  EXPECT_EQ(dials[0]["raw"], "T5551234");
  EXPECT_EQ(dials[0]["digits"], "5551234");
  EXPECT_GE(events("ring").size(), 1u);
  ASSERT_EQ(events("answer").size(), 1u);
  EXPECT_EQ(events("answer")[0]["by"], "auto");
  ASSERT_EQ(events("connect").size(), 1u);
  EXPECT_EQ(events("connect")[0]["caller"], "mA");
  EXPECT_EQ(events("connect")[0]["callee"], "mB");
  bool sawAtz = false;
  for (auto& e : events("command")) sawAtz = sawAtz || (e["line"] == "mA" && e["text"] == "ATZ");
  EXPECT_TRUE(sawAtz);
  auto hangups = events("hangup");
  ASSERT_GE(hangups.size(), 2u);
  EXPECT_EQ(hangups[0]["line"], "mA");
  EXPECT_EQ(hangups[0]["cause"], "dtr-drop");
  EXPECT_EQ(hangups[1]["cause"], "far-end");
  // timestamps: realtime and monotonic, both with microseconds
  auto all = events();
  ASSERT_FALSE(all.empty());
  EXPECT_NE(all[0]["t"].find('.'), std::string::npos);
  EXPECT_EQ(all[0]["t"].size() - all[0]["t"].find('.'), 7u);
  EXPECT_NE(all[0]["mono"].find('.'), std::string::npos);
  double prev = 0;
  for (auto& e : all) {
    const double mono = std::stod(e["mono"]);
    EXPECT_GE(mono, prev);
    prev = mono;
  }
}

TEST_F(PstnSim, BusyWhenCalleeOffHook) {
  if (!haveChat()) GTEST_SKIP() << kChat << " not installed";
  start();
  const int b = openAndCommand("mB", "ATH1");
  const int a = openLine("mA");
  const RunResult r = chat(a, {"ABORT", "CONNECT", "", "ATZ", "OK", "ATDT555-1234", "BUSY", ""});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  ::close(a);
  ::close(b);
  auto busy = events("busy");
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_EQ(busy[0]["line"], "mA");
  EXPECT_EQ(busy[0]["reason"], "offhook");
  EXPECT_EQ(events("offhook").size(), 1u);
  EXPECT_TRUE(events("connect").empty());
}

TEST_F(PstnSim, NoAnswerAfterMaxRings) {
  if (!haveChat()) GTEST_SKIP() << kChat << " not installed";
  start();
  const int b = openAndCommand("mB", "ATE0");
  const int a = openLine("mA");
  const RunResult r = chat(a, {"ABORT", "CONNECT", "", "ATZ", "OK", "ATDT5551234", "ANSWER", ""});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  const std::string bSaw = readUntil(b, "never", 300);
  std::size_t rings = 0;
  for (std::size_t p = bSaw.find("RING"); p != std::string::npos; p = bSaw.find("RING", p + 1)) ++rings;
  EXPECT_EQ(rings, 3u) << bSaw;
  ::close(a);
  ::close(b);
  ASSERT_EQ(events("no-answer").size(), 1u);
  EXPECT_EQ(events("no-answer")[0]["rings"], "3");
}

TEST_F(PstnSim, EscapeAthAndControlChannel) {
  start();
  const int b = openAndCommand("mB", "ATE0S0=1");
  const int a = openAndCommand("mA", "ATE0");
  writeStr(a, "ATD5551234\r");
  EXPECT_NE(readUntil(a, "CONNECT", 3000).find("CONNECT"), std::string::npos);
  readUntil(b, "CONNECT 33600\r\n", 3000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // guard time 200 ms
  writeStr(a, "+++");
  EXPECT_NE(readUntil(a, "OK\r\n", 3000).find("OK"), std::string::npos);
  writeStr(a, "ATO\r");
  EXPECT_NE(readUntil(a, "CONNECT", 3000).find("CONNECT"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  writeStr(a, "+++");
  EXPECT_NE(readUntil(a, "OK\r\n", 3000).find("OK"), std::string::npos);
  writeStr(a, "ATH\r");
  EXPECT_NE(readUntil(a, "OK\r\n", 3000).find("OK"), std::string::npos);
  EXPECT_NE(readUntil(b, "NO CARRIER", 3000).find("NO CARRIER"), std::string::npos);
  ::close(b);
  EXPECT_TRUE(waitEvent({{"event", "hangup"}, {"line", "mA"}, {"cause", "ath"}}, 3000));
  EXPECT_EQ(events("escape").size(), 2u);

  // control channel: fault knobs at run time, from a shell-usable client
  RunResult r = ctl({"busy", "5551234", "on"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.output, "ok\n");
  writeStr(a, "ATDT5551234\r");
  EXPECT_NE(readUntil(a, "BUSY", 3000).find("BUSY"), std::string::npos);
  r = ctl({"busy", "mB", "off"});
  EXPECT_EQ(r.exitCode, 0);
  r = ctl({"frobnicate"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.output.rfind("error: ", 0), 0u) << r.output;
  r = ctl({"status"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_NE(r.output.find("mA 5550001 state=idle port=open"), std::string::npos) << r.output;
  // control hangup mid-call: carrier loss on both sides
  EXPECT_EQ(ctl({"answer-after", "mB", "1"}).exitCode, 0);
  writeStr(a, "ATDT5551234\r");
  EXPECT_NE(readUntil(a, "CONNECT", 3000).find("CONNECT"), std::string::npos);
  EXPECT_EQ(ctl({"hangup", "mA"}).exitCode, 0);
  EXPECT_NE(readUntil(a, "NO CARRIER", 3000).find("NO CARRIER"), std::string::npos);
  ::close(a);
  EXPECT_TRUE(waitEvent({{"event", "hangup"}, {"line", "mA"}, {"cause", "control"}}, 3000));
  struct stat st {};
  ASSERT_EQ(::stat(control_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(PstnSim, StaleLinksReplacedAndSigtermCleansUp) {
  fs::create_directories(dir_);
  fs::create_symlink("/nonexistent/pts", dir_ + "/mA");
  { std::ofstream(dir_ + "/ready") << "stale\n"; }
  start();
  const std::string target = fs::read_symlink(dir_ + "/mA").string();
  EXPECT_EQ(target.rfind("/dev/pts/", 0), 0u) << target;
  std::ifstream ready(dir_ + "/ready");
  std::string first;
  std::getline(ready, first);
  EXPECT_EQ(first.rfind("pid ", 0), 0u) << first;
  const int status = stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir_ + "/mA")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir_ + "/mB")));
  EXPECT_FALSE(fs::exists(dir_ + "/ready"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(control_)));
  EXPECT_EQ(events("shutdown").size(), 1u);
}

TEST_F(PstnSim, BadArgumentsExitNonZeroWithAMessage) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"--bogus"}, "unknown option"},
      {{"--line", "mA=1", "--line", "mB=1"}, "duplicate number"},
      {{"--line", "mA"}, "NAME=NUMBER"},
      {{}, "no lines"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {PSTN_SIM_BINARY};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const RunResult r = runCommand(argv, 5000);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
  }
  const RunResult help = runCommand({PSTN_SIM_BINARY, "--help"}, 5000);
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.output.find("pstn-sim ctl SOCKET"), std::string::npos);
}

}  // namespace
