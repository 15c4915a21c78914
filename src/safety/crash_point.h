// CrashPoint: named places where the fault-injection tests kill esimctl with SIGKILL.
//
// The delete flow's guarantee ("every notification is on the card or in the journal") must
// hold whatever instant the process dies. The tests prove it by setting ESIMCTL_CRASH_AT to a
// point's name; when the process reaches that point it sends itself SIGKILL, exactly as an
// external `kill -9` would, with no chance to clean up. Unset (the normal case), a point costs
// one getenv on first use. The names are listed in docs/safety.md. Thread-safe.
#pragma once

#include <string_view>

namespace esim {

// Kills the process with SIGKILL if ESIMCTL_CRASH_AT equals `point`; otherwise returns.
void CrashPoint(std::string_view point);

}  // namespace esim
