// SPDX-License-Identifier: GPL-2.0-or-later
// Checked directories and exclusive, no-follow file creation.
#include "secure_files.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd.hpp"

namespace mscb::helper {

Result<bool> ensureDirectory(const std::string& dir, mode_t mode, uid_t owner) {
    // Parents first (/var/lib/mscb for /var/lib/mscb/jobs when systemd's StateDirectory= did not
    // make it), root-only like the leaf.
    if (const auto slash = dir.rfind('/'); slash != std::string::npos && slash > 0) {
        const auto parent = dir.substr(0, slash);
        struct stat pst{};
        if (::lstat(parent.c_str(), &pst) < 0 && errno == ENOENT) {
            if (auto made = ensureDirectory(parent, mode | S_IXUSR, owner); !made) return made;
        }
    }
    if (::mkdir(dir.c_str(), mode) == 0) {
        ::chmod(dir.c_str(), mode);  // the umask (077) would have narrowed it
    } else if (errno != EEXIST) {
        return Error{"mkdir " + dir + ": " + errnoText(errno)};
    }
    struct stat st{};
    if (::lstat(dir.c_str(), &st) < 0) return Error{"lstat " + dir + ": " + errnoText(errno)};
    if (S_ISLNK(st.st_mode)) return Error{dir + " is a symlink: refusing"};
    if (!S_ISDIR(st.st_mode)) return Error{dir + " is not a directory"};
    if (st.st_uid != owner) return Error{dir + " is owned by uid " + std::to_string(st.st_uid)};
    if ((st.st_mode & 07777 & ~mode) != 0) {
        char modes[32];
        std::snprintf(modes, sizeof modes, "%04o, allowed %04o", static_cast<unsigned>(st.st_mode & 07777),
                      static_cast<unsigned>(mode));
        return Error{dir + " has mode " + modes};
    }
    return true;
}

Result<bool> writeNewFile(const std::string& dir, const std::string& name, const std::string& text) {
    if (name.empty() || name.find('/') != std::string::npos || name.front() == '.') {
        return Error{"bad generated file name"};
    }
    const auto path = dir + "/" + name;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return Error{"create " + path + ": " + errnoText(errno)};
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        ::unlink(path.c_str());
        return Error{"write " + path + ": " + errnoText(errno)};
    }
    return true;
}

Result<bool> writeFileAtomic(const std::string& dir, const std::string& name, const std::string& text) {
    static std::atomic<unsigned> counter{0};
    const auto temp = "." + name + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const auto tempPath = dir + "/" + temp;
    {
        UniqueFd fd(::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) return Error{"create " + tempPath + ": " + errnoText(errno)};
        // No fsync: the rename is atomic against a helper crash, and a job journal only counts
        // within one boot (jobs of an earlier boot are failed, never resumed), so surviving a
        // power loss buys nothing; a disk flush per dial-state change was the bulk of the
        // helper's per-dial cost at scale (doc/performance.md).
        if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
            ::unlink(tempPath.c_str());
            return Error{"write " + tempPath + ": " + errnoText(errno)};
        }
    }
    if (::rename(tempPath.c_str(), (dir + "/" + name).c_str()) < 0) {
        ::unlink(tempPath.c_str());
        return Error{"rename to " + dir + "/" + name + ": " + errnoText(errno)};
    }
    return true;
}

std::vector<std::pair<std::string, std::string>> readDirectoryFiles(const std::string& dir, std::size_t maxBytes) {
    std::vector<std::pair<std::string, std::string>> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.empty() || name.front() == '.') continue;
        UniqueFd fd(::openat(::dirfd(d), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        struct stat st{};
        if (!fd || ::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode)) {
            out.emplace_back(name, std::string());
            continue;
        }
        std::string text;
        if (static_cast<std::size_t>(st.st_size) <= maxBytes) {
            text.resize(static_cast<std::size_t>(st.st_size));
            const auto n = ::read(fd.get(), text.data(), text.size());
            text.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
        }
        out.emplace_back(name, std::move(text));
    }
    ::closedir(d);
    return out;
}

}  // namespace mscb::helper
