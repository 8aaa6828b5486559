// SPDX-License-Identifier: GPL-2.0-or-later
// mscb-helper: the callback dialer daemon.
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <string>
#include <unistd.h>

#include "config.hpp"
#include "helper_daemon.hpp"
#include "logger.hpp"
#include "mscb/trusted_file.hpp"
#include "secure_files.hpp"

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: mscb-helper [--config FILE] [--foreground] [--no-syslog] [--no-monitors]\n"
                 "  --config FILE   configuration (default /etc/mscb/helper.conf; root-owned, not\n"
                 "                  group/world-writable)\n"
                 "  --foreground    do not fork into the background (use under systemd)\n"
                 "  --no-syslog     log to stderr only\n"
                 "  --no-monitors   do not start the udev and rtnetlink monitors\n"
                 "  --check         parse the configuration, report, exit\n");
}

}  // namespace

int main(int argc, char** argv) {
    using namespace mscb::helper;
    std::string configPath = "/etc/mscb/helper.conf";
    bool foreground = false, syslog = true, monitors = true, check = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            configPath = argv[++i];
        } else if (arg == "--foreground") {
            foreground = true;
        } else if (arg == "--no-syslog") {
            syslog = false;
        } else if (arg == "--no-monitors") {
            monitors = false;
        } else if (arg == "--check") {
            check = true;
        } else {
            usage();
            return 2;
        }
    }
    if (::geteuid() != 0) {
        std::fprintf(stderr, "mscb-helper: must run as root\n");
        return 2;
    }
    ::umask(077);
    auto text = mscb::readTrustedFile(configPath, 0, 1 << 20);
    if (!text) {
        std::fprintf(stderr, "mscb-helper: %s\n", text.reason().c_str());
        return 2;
    }
    auto config = parseConfig(*text, configPath);
    if (!config) {
        std::fprintf(stderr, "mscb-helper: %s\n", config.reason().c_str());
        return 2;
    }
    if (check) {
        for (const auto& warning : config->warnings) std::fprintf(stderr, "mscb-helper: warning: %s\n", warning.c_str());
        std::printf("%s: ok, %zu modem(s)\n", configPath.c_str(), config->modems.size());
        return 0;
    }
    if (!foreground) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            std::perror("mscb-helper: fork");
            return 1;
        }
        if (pid > 0) return 0;
        ::setsid();
        const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        if (::chdir("/") < 0) return 1;
    }
    Logger logger("mscb-helper", syslog, foreground);
    for (const auto& warning : config->warnings) logger.log(LogLevel::Warning, {}, warning);
    try {
        DaemonOptions options;
        options.config = std::move(*config);
        options.useUdev = monitors;
        options.useRtnl = monitors;
        HelperDaemon daemon(std::move(options), logger);
        daemon.start();
        daemon.run();
    } catch (const std::exception& e) {
        logger.log(mscb::helper::LogLevel::Error, {}, std::string("fatal: ") + e.what());
        return 1;
    }
    return 0;
}
