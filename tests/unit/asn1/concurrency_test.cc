// Codec use from several threads at once. Meaningful mostly under
// -fsanitize=thread: asn1c 0.9.28 wrote global descriptors on first use of a
// type (patched in asn1/asn1c_generate.cmake); here every thread must also get
// the right answer, including the constraint failure.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "asn1/describe.h"
#include "asn1/es10_codec.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Hex;

TEST(Concurrency, ParallelDecodeEncodeAgree) {
  const Bytes profiles = Hex("BF2D14A012E3105A0A896700000000004523019F700101");
  const Bytes nine_byte_iccid = Hex("BF2D0EA00CE30A5A088967000000000045");
  const Bytes notifications = Hex(
      "BF282BA029BF2F11800101810204100C08736D64702E636F6DBF2F12800102810205200C09736D6470322E636F6D");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto response = Decode<GetProfilesInfoResponse>(profiles);
        if (!response.ok() || Encode(*response).value() != profiles) ++wrong;
        if (Decode<GetProfilesInfoResponse>(nine_byte_iccid).ok()) ++wrong;
        auto list = Decode<ListNotificationResponse>(notifications);
        if (!list.ok() || Encode(*list).value() != notifications) ++wrong;
        if (!DescribeEs10(notifications).ok()) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace esim::es10
