#include "src/cli/notification_dump.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "asn1/json.h"
#include "common/base64.h"
#include "src/ops/notifications.h"

namespace esim {

nlohmann::json NotificationDumpJson(const std::vector<es10::PendingNotification>& notifications) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& n : notifications) {
    const es10::NotificationMetadata& metadata = n.metadata();
    nlohmann::json item = {{"seqNumber", metadata.seqNumber},
                           {"event", EventText(metadata.profileManagementOperation)}};
    if (metadata.iccid) item["iccid"] = *metadata.iccid;
    item["address"] = metadata.notificationAddress;
    item["der"] = Base64(n.der);
    list.push_back(std::move(item));
  }
  return {{"notifications", list}};
}

std::string NotificationDumpBase64(const std::vector<es10::PendingNotification>& notifications) {
  std::string out;
  for (const auto& n : notifications) out += Base64(n.der) + "\n";
  return out;
}

Status WritePrivateFile(const std::string& path, const std::string& content) {
  auto failed = [&path](const char* what) {
    return Status(ErrorCode::kIo, std::string("cannot ") + what + " " + path + ": " + std::strerror(errno));
  };
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return failed("create");
  // An existing file keeps its mode through O_CREAT: narrow it before anything is written.
  Status status = fchmod(fd, 0600) == 0 ? Status::Ok() : failed("restrict the permissions of");
  size_t done = 0;
  while (status.ok() && done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      status = failed("write");
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (status.ok() && fsync(fd) != 0) status = failed("sync");
  if (close(fd) != 0 && status.ok()) status = failed("close");
  return status;
}

}  // namespace esim
