// SPDX-License-Identifier: GPL-2.0-or-later
// The hook runner against real processes: order, clean environment, timeout, refused files.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "hook_runner.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

struct AHookRunner : ::testing::Test {
    std::string dir;
    std::string out;
    EventLoop loop;
    Spawner spawner = Spawner::create().value();
    std::vector<std::string> logs;

    void SetUp() override {
        char tmpl[] = "/tmp/mscb-hooks-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir = tmpl;
        ::chmod(dir.c_str(), 0755);
        out = dir + ".out";
        ::setenv("MSCB_LEAK", "inherited", 1);  // must not reach a hook
    }
    void TearDown() override {
        std::system(("rm -rf '" + dir + "' '" + out + "'").c_str());
        ::unsetenv("MSCB_LEAK");
    }
    void hook(const std::string& name, const std::string& body, mode_t mode = 0755) {
        const auto path = dir + "/" + name;
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        ::chmod(path.c_str(), mode);
    }
    HookRunner runner(Millis timeout = 5000ms, std::size_t queue = 64) {
        return HookRunner(loop, spawner, [this](LogLevel, const std::string& t) { logs.push_back(t); },
                          HookSettings{dir, timeout, queue}, ::getuid());
    }
    void drain(HookRunner& r, std::chrono::seconds limit = 10s) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (!r.idle() && std::chrono::steady_clock::now() < until) loop.runOnce(100);
        ASSERT_TRUE(r.idle()) << "hooks still running";
    }
    std::string output() const {
        std::ifstream f(out);
        std::stringstream s;
        s << f.rdbuf();
        return s.str();
    }
    bool logged(const std::string& part) const {
        for (const auto& l : logs) {
            if (l.find(part) != std::string::npos) return true;
        }
        return false;
    }
};

TEST_F(AHookRunner, RunsHooksInOrderPerEventWithOnlyTheEventsEnvironment) {
    hook("20-second", "echo \"2 $1 $MSCB_EVENT $MSCB_USER\" >> " + out);
    hook("10-first", "echo \"1 $MSCB_EVENT ${MSCB_LEAK:-clean} $(env | grep -c .)\" >> " + out + "; echo said hi");
    hook("README", "echo never >> " + out, 0644);
    auto r = runner();
    r.post(refusedEvent("s1", "alice", "/dev/ttyS0", {}, "policy", {}));
    HookEvent d = refusedEvent("s2", "bob", "/dev/ttyS0", {}, "x", {});
    d.kind = HookEventKind::Dialling;
    r.post(d);
    drain(r);
    // env | grep -c .: MSCB_EVENT SEQ TIME SESSION USER LINE REASON, PATH, and sh's own PWD.
    EXPECT_EQ(output(), "1 refused clean 9\n2 refused refused alice\n1 dialling clean 9\n2 dialling dialling bob\n");
    EXPECT_TRUE(logged("event hook 10-first: said hi"));
}

TEST_F(AHookRunner, KillsAHookPastItsTimeoutAndRunsTheNext) {
    hook("10-sleeps", "sleep 30 & sleep 30");
    hook("20-next", "echo next $MSCB_EVENT >> " + out);
    auto r = runner(1000ms);
    const auto start = std::chrono::steady_clock::now();
    r.post(refusedEvent("s1", "a", "/dev/ttyS0", {}, "k", {}));
    drain(r);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_EQ(output(), "next refused\n");
    EXPECT_TRUE(logged("event hook 10-sleeps (refused #1) killed after 1 s"));
}

TEST_F(AHookRunner, RefusesAGroupWritableHookAndReportsAFailingOne) {
    hook("10-writable", "echo bad >> " + out, 0775);
    hook("20-fails", "exit 3");
    hook("30-ok", "echo ok >> " + out);
    auto r = runner();
    r.post(refusedEvent("s1", "a", "/dev/ttyS0", {}, "k", {}));
    drain(r);
    EXPECT_EQ(output(), "ok\n");
    EXPECT_TRUE(logged(dir + "/10-writable: group- or world-writable: refused, not run"));
    EXPECT_TRUE(logged("event hook 20-fails (refused #1) exited with 3"));
}

TEST_F(AHookRunner, RefusesAWritableDirectoryAndLogsDroppedEvents) {
    hook("10-slow", "sleep 1; echo $MSCB_SEQ >> " + out);
    auto r = runner(5000ms, 1);
    for (int i = 0; i < 4; ++i) r.post(refusedEvent("s", "a", "/dev/ttyS0", {}, "k", {}));
    drain(r);
    // #1 runs at once; #2 and #3 are pushed out by the next; #4 runs.
    EXPECT_EQ(output(), "1\n4\n");
    EXPECT_TRUE(logged("dropped 1 oldest event(s), 1 since start"));
    EXPECT_TRUE(logged("dropped 1 oldest event(s), 2 since start"));
    ::chmod(dir.c_str(), 0777);
    r.post(refusedEvent("s", "a", "/dev/ttyS0", {}, "k", {}));
    drain(r);
    EXPECT_EQ(output(), "1\n4\n");
    EXPECT_TRUE(logged("event hooks: directory " + dir + " refused: group- or world-writable"));
}

}  // namespace
}  // namespace mscb::helper
