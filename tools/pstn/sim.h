// SPDX-License-Identifier: GPL-2.0-or-later
// The OS edge of pstn-sim: ptys, epoll loop, timers, signals, control socket, event log.
#pragma once

#include <string>
#include <vector>

#include "exchange.h"
#include "gsm.h"
#include "options.h"

namespace mscb::pstn {

class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Sets everything up, runs until SIGTERM/SIGINT/SIGHUP, cleans up. Returns the exit code.
  int run();

 private:
  struct Port {
    int master = -1;
    std::string slavePath;  // /dev/pts/N
    std::string linkPath;   // DIR/NAME
    bool linked = false;
    bool open = false;      // a DTE holds the slave; the master is in the epoll set
    std::string out;        // bytes waiting for the master to accept them
    // Lines with signals: the slave carries the n_gsm line discipline (we hold it open) and
    // the DTE opens dtePath, the mux's first channel; the master speaks 27.010 with gsm.
    bool signals = false;
    int mux = -1;
    std::string dtePath;  // /dev/gsmttyN
    bool madeNode = false;
    bool dteOpen = false;  // DLCI 1 is open (the DTE holds its gsmtty)
    bool unplugged = false;  // `unplug`: mux closed, node and link removed
    GsmResponder gsm{kGsmMtu};
  };
  static constexpr std::size_t kGsmMtu = 512;

  bool setup();
  void cleanup();
  void loop();
  static std::int64_t monotonicUs();
  Millis nowMs() const;

  void apply();
  void logEvent(const Event& event);
  void writePort(std::size_t line, const std::string& data);
  void flushPort(std::size_t line);
  void unplugPort(std::size_t line);
  void vhangup(std::size_t line);
  void readPort(std::size_t line, bool& closed);
  void markOpen(std::size_t line);
  void markClosed(std::size_t line);
  void resetLineDiscipline(Port& p);
  void recheckClosedPorts();
  void updateEpoll(std::size_t line);
  void armCoreTimer();
  void armRecheckTimer();
  void acceptControl();
  void handleControl(int fd);
  bool makeRaw(int fd);
  bool setupMux(std::size_t line);
  void muxInput(std::size_t line, std::string_view bytes);
  void sendMux(std::size_t line);
  void sendSignals(std::size_t line, std::uint8_t signals);

  SimOptions options_;
  Exchange exchange_;
  std::vector<Port> ports_;
  std::vector<int> controlClients_;
  int epoll_ = -1;
  int signalFd_ = -1;
  int coreTimer_ = -1;
  int recheckTimer_ = -1;
  int controlFd_ = -1;
  int logFd_ = -1;
  bool ownLogFd_ = false;
  bool recheckArmed_ = false;
  bool readyWritten_ = false;
  bool controlBound_ = false;
  bool stop_ = false;
  int stopSignal_ = 0;
  std::string readyPath_;
};

// `pstn-sim ctl SOCKET COMMAND...`: sends one command, prints the reply.
// Exit code 0 for "ok...", 1 for "error: ...", 2 when the socket cannot be used.
int runControlClient(const std::string& socketPath, const std::string& command, int timeoutMs);

}  // namespace mscb::pstn
