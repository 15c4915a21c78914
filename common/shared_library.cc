#include "common/shared_library.h"

#include <dlfcn.h>

namespace esim {

Result<SharedLibrary> SharedLibrary::Open(const char* soname, const std::string& purpose,
                                          const std::string& remedy) {
  // RTLD_LOCAL: the library's symbols stay out of the global namespace, so nothing else in
  // the process binds to them by accident. RTLD_NOW: a broken install fails here, not later.
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status(ErrorCode::kInternal, purpose + " needs " + soname + ", which could not be loaded (" +
                                            (why != nullptr ? why : "no reason given") + "); " + remedy);
  }
  return SharedLibrary(handle, soname);
}

void* SharedLibrary::Find(const char* name) {
  void* symbol = dlsym(handle_, name);
  if (symbol == nullptr) missing_ += (missing_.empty() ? "" : ", ") + std::string(name);
  return symbol;
}

Status SharedLibrary::Check() const {
  if (missing_.empty()) return Status::Ok();
  return Status(ErrorCode::kInternal, soname_ + " lacks " + missing_);
}

}  // namespace esim
