// Serial ports that may be a modem's AT port, and who holds them, for `esimctl readers --modems`
// and `--reader at:auto`.
//
// Finding ports never writes to one: candidates are the character devices /dev/ttyUSB*,
// /dev/ttyACM* (and /dev/serial/by-id links resolved to them), or the paths matched by the
// ESIMCTL_MODEM_PORTS glob when set (tests point it at a simulated modem). A port is "held"
// when another process has it open (a scan of /proc/*/fd, which sees every process when run as
// root and the user's own otherwise) or holds its flock; a held port is reported, never opened
// for AT (ModemManager, a PPP daemon or another LPA may be using it). A process that also holds
// the master side of the same pseudo-terminal is the device's emulator (a simulated modem keeps
// its slave open), not a holder.
//
// Threading: stateless functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace esim {

struct SerialPortInfo {
  std::string path;       // the device path as the user would pass it after "at:"
  bool held = false;      // another program has it open or locked
  std::string holder;     // "PID (command)" of one holder when known, else empty
};

// The candidate ports, sorted by path, de-duplicated by the device they resolve to.
std::vector<SerialPortInfo> ListSerialPorts();

}  // namespace esim
