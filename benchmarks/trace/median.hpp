#pragma once
// The median weft-trace reports for every figure measured over several runs:
// one descheduled run on the shared machine moves it far less than a mean.
#include <algorithm>
#include <vector>

namespace weft::bench {

template <class T>
T median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

}  // namespace weft::bench
