// DataDirectory: where esimctl's read-only run-time data lives (the GSMA CI certificates in ci/,
// the demo card's state), found from the binary's own place so that an installed tree can be
// moved anywhere (a .deb unpacked with dpkg-deb -x into a temporary root works as it is).
//
// Order: $ESIMCTL_DATA_DIR when set (not empty); else <exe dir>/../share/esimctl (installed:
// bin/ beside share/; also build/tests/ in the build tree); else <exe dir>/share/esimctl (the
// copy the build makes beside build/esimctl). The first directory that exists wins.
//
// Threading: free function, reads the environment and /proc/self/exe; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace esim {

// The data directory, lexically normalised; kIo naming the places looked at when none exists,
// or naming ESIMCTL_DATA_DIR when it is set to something that is not a directory (an explicit
// override is never silently replaced by another place).
Result<std::string> DataDirectory();

}  // namespace esim
