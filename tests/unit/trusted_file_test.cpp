// SPDX-License-Identifier: GPL-2.0-or-later
// The shared reader of root-owned configuration files (users file, helper.conf).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <future>

#include "mscb/trusted_file.hpp"

namespace {

using mscb::readTrustedFile;

struct ATrustedFile : ::testing::Test {
    std::string dir;
    uid_t me = ::geteuid();
    void SetUp() override {
        char pattern[] = "/tmp/mscb-trusted-XXXXXX";
        dir = ::mkdtemp(pattern);
    }
    void TearDown() override { std::system(("rm -rf '" + dir + "'").c_str()); }
    std::string file(const std::string& name, const std::string& text, mode_t mode = 0644) {
        const auto path = dir + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
};

TEST_F(ATrustedFile, ReadsAnOwnedUnwritableRegularFile) {
    const auto text = readTrustedFile(file("users", "alice user\n"), me, 1000);
    ASSERT_TRUE(text) << text.reason();
    EXPECT_EQ(*text, "alice user\n");
}

TEST_F(ATrustedFile, RefusesLooseModesAndOtherOwners) {
    EXPECT_NE(readTrustedFile(file("g", "x", 0664), me, 1000).reason().find("not group/world-writable"),
              std::string::npos);
    EXPECT_FALSE(readTrustedFile(file("o", "x", 0646), me, 1000));
    EXPECT_FALSE(readTrustedFile(file("u", "x"), me + 1, 1000));
}

TEST_F(ATrustedFile, RefusesASymlinkEvenToAGoodFile) {
    const auto good = file("good", "x");
    ASSERT_EQ(::symlink(good.c_str(), (dir + "/link").c_str()), 0);
    const auto result = readTrustedFile(dir + "/link", me, 1000);
    ASSERT_FALSE(result);
    EXPECT_NE(result.reason().find("symbolic link"), std::string::npos) << result.reason();
}

// Before: the helper's reader opened without O_NONBLOCK and waited forever for a writer.
TEST_F(ATrustedFile, RefusesAFifoWithoutBlocking) {
    const auto fifo = dir + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    auto read = std::async(std::launch::async, [&] { return readTrustedFile(fifo, me, 1000); });
    ASSERT_EQ(read.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "blocked on a FIFO";
    const auto result = read.get();
    ASSERT_FALSE(result);
    EXPECT_NE(result.reason().find("not a regular file"), std::string::npos) << result.reason();
}

// Before: the cap was checked against st_size only. A file whose size is not known in advance
// (procfs reports 0) or that grows after the check was read whole (plugin) or cut at the
// stat'ed size without a word (helper).
TEST_F(ATrustedFile, CapsWhatIsReadNotWhatStatSays) {
    const auto status = readTrustedFile("/proc/self/status", me, 16);
    ASSERT_FALSE(status);
    EXPECT_NE(status.reason().find("larger than 16 bytes"), std::string::npos) << status.reason();
    EXPECT_FALSE(readTrustedFile(file("big", std::string(2000, 'x')), me, 1999));
    EXPECT_TRUE(readTrustedFile(file("fits", std::string(2000, 'x')), me, 2000));
}

}  // namespace
