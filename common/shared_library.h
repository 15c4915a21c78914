// SharedLibrary: a shared library opened at run time (dlopen) for a dependency that only some
// commands need.
//
// Why: Debian links libcrypto, libsqlite3 and libcurl with BIND_NOW, so merely linking
// them makes every esimctl process resolve thousands of their symbols at start-up, even
// `profile list`, which never uses them (docs/performance.md, "Start-up"). A component that
// needs one opens it on first use through this class and binds the entry points it calls into
// pointers typed from the library's own header, so every call is still checked by the
// compiler. A library opened here is never closed: such libraries keep process-wide state.
//
// Threading: Open and Bind are not synchronised; callers load once (LoadOnce below) and
// publish an immutable table of pointers.
#pragma once

#include <mutex>
#include <string>

#include "common/status.h"

namespace esim {

class SharedLibrary {
 public:
  // Opens `soname` (e.g. "libcurl.so.4"). kInternal when it cannot be loaded:
  // "<purpose> needs <soname>, which could not be loaded (<loader's reason>); <remedy>".
  static Result<SharedLibrary> Open(const char* soname, const std::string& purpose,
                                    const std::string& remedy);

  // Points `fn` at the library's symbol `name`; a missing symbol is remembered for Check().
  template <typename Fn>
  SharedLibrary& Bind(const char* name, Fn& fn) {
    fn = reinterpret_cast<Fn>(Find(name));
    return *this;
  }
  // Ok when every Bind() found its symbol, else kInternal naming the missing ones.
  Status Check() const;

 private:
  SharedLibrary(void* handle, std::string soname) : handle_(handle), soname_(std::move(soname)) {}
  void* Find(const char* name);

  void* handle_;
  std::string soname_;
  std::string missing_;  // ", "-separated names Bind() did not find
};

// Runs `open` the first time it is called for `Table` and returns its answer, the table or the
// error, on that and every later call: one load per process, thread-safe.
template <typename Table>
Result<const Table*> LoadOnce(Result<const Table*> (*open)()) {
  static std::once_flag once;
  static Result<const Table*> loaded = Status(ErrorCode::kInternal, "not loaded");
  std::call_once(once, [open] { loaded = open(); });
  return loaded;
}

}  // namespace esim
