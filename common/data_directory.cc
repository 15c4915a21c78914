#include "common/data_directory.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace esim {

Result<std::string> DataDirectory() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("ESIMCTL_DATA_DIR"); env != nullptr && env[0] != '\0') {
    if (fs::is_directory(env, ec)) {
      std::string dir = fs::path(env).lexically_normal().string();
      if (dir.size() > 1 && dir.back() == '/') dir.pop_back();  // "/opt/x/" names the same place as "/opt/x"
      return dir;
    }
    return Status(ErrorCode::kIo, std::string("ESIMCTL_DATA_DIR '") + env + "' is not a directory");
  }
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Status(ErrorCode::kIo, "esimctl's data directory cannot be found: /proc/self/exe unreadable");
  std::string looked;
  for (const fs::path& dir : {exe.parent_path() / ".." / "share" / "esimctl", exe.parent_path() / "share" / "esimctl"}) {
    fs::path normal = dir.lexically_normal();
    if (fs::is_directory(normal, ec)) return normal.string();
    looked += (looked.empty() ? "" : ", ") + normal.string();
  }
  return Status(ErrorCode::kIo, "esimctl's data directory is not installed (looked in " + looked + ")");
}

}  // namespace esim
