// SPDX-License-Identifier: GPL-2.0-or-later
// The responder end of a 3GPP TS 27.010 (GSM 07.10) basic-option mux, pure (no I/O).
//
// Why: a pty has no modem control lines. With the kernel's n_gsm line discipline on the
// pty's slave as the *initiator*, each DLCI becomes a real tty (/dev/gsmttyN) whose
// TIOCMGET/TIOCMSET, HUPCL and CLOCAL travel as MSC (modem status) messages; the simulator
// speaks the responder side on the pty master and so sees DTR/RTS and drives DCD/DSR/CTS/RI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mscb::pstn {

// V.24 signal bits of an MSC message (27.010 5.4.6.3.7), as the kernel's MDM_* values.
inline constexpr std::uint8_t kMdmFc = 0x01;   // flow control: stop sending
inline constexpr std::uint8_t kMdmRtc = 0x02;  // ready to communicate: DTR one way, DSR the other
inline constexpr std::uint8_t kMdmRtr = 0x04;  // ready to receive: RTS one way, CTS the other
inline constexpr std::uint8_t kMdmIc = 0x20;   // incoming call: RI
inline constexpr std::uint8_t kMdmDv = 0x40;   // data valid: DCD

struct GsmEvent {
  enum class Kind {
    Open,   // SABM on a data DLCI: the DTE opened its gsmtty
    Close,  // DISC on a data DLCI: the DTE closed it
    Data,   // UIH payload on a data DLCI
    Modem,  // MSC from the DTE: its V.24 bits for a DLCI
    Mux,    // SABM on DLCI 0: the mux came up
  };
  Kind kind = Kind::Data;
  unsigned dlci = 0;
  std::string data;       // Data
  std::uint8_t bits = 0;  // Modem
};

// FCS of 27.010 (reflected CRC-8, polynomial x^8+x^2+x+1), as put on the wire.
std::uint8_t gsmFcs(std::string_view headerBytes);
// One basic-option frame: F9 addr ctrl len [data] fcs F9. cr is the wire C/R bit.
std::string gsmFrame(unsigned dlci, bool cr, std::uint8_t control, std::string_view data);

class GsmResponder {
 public:
  // mtu: the largest information field the initiator accepts (its MRU).
  explicit GsmResponder(std::size_t mtu) : mtu_(mtu < 1 ? 1 : mtu) {}

  // Bytes read from the pty master; answers go to output(), events are returned.
  std::vector<GsmEvent> feed(std::string_view bytes);
  // UIH data for the DTE on dlci, split at the mtu.
  void sendData(unsigned dlci, std::string_view data);
  // An MSC command with the modem's V.24 bits (kMdm*) for dlci.
  void sendModemStatus(unsigned dlci, std::uint8_t bits);
  std::string takeOutput();
  bool isOpen(unsigned dlci) const { return dlci < 64 && open_[dlci]; }
  unsigned long badFrames() const { return bad_; }

 private:
  enum class State { Search, Address, Control, Len0, Len1, Data, Fcs, End };
  void frame(std::vector<GsmEvent>& events);
  void controlMessage(std::string_view info, std::vector<GsmEvent>& events);
  void uih0(std::uint8_t typeOctet, std::string_view value);

  std::size_t mtu_;
  bool open_[64] = {};
  State state_ = State::Search;
  std::uint8_t address_ = 0;
  std::uint8_t control_ = 0;
  std::uint8_t fcs_ = 0xFF;
  std::size_t len_ = 0;
  std::string info_;
  std::string out_;
  unsigned long bad_ = 0;
};

}  // namespace mscb::pstn
