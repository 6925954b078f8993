// Fuzz target: what a page can hand to aelab.setInput, as the WebAssembly side receives it (the
// page checks first; this is the check behind it): strokes as counts and flat coordinates, or
// pixels, validated and then drawn, preprocessed and encoded by the lab.
#include <cstdint>
#include <cstring>
#include <vector>

#include "lab/lab.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Lab* lab = [] {
    Lab* l = new Lab;
    lab_init(*l, make_frames_host());
    return l;
  }();
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  data++, size--;
  if (mode & 1) {                            // pixels
    std::vector<float> pixels(size / 4 + 1); // + 1: never empty (memcpy takes no null pointer)
    std::memcpy(pixels.data(), data, 4 * (size / 4));
    pixels.pop_back();
    lab_set_input_checked(*lab, pixels.data(), pixels.size());
  } else { // strokes: a byte with the stroke count, then int32 counts, then floats
    if (size < 1) return 0;
    const size_t strokes = data[0] % 16;
    data++, size--;
    if (size < 4 * strokes) return 0;
    std::vector<int32_t> counts(strokes + 1);
    std::memcpy(counts.data(), data, 4 * strokes);
    data += 4 * strokes, size -= 4 * strokes;
    std::vector<float> xy(size / 4 + 1);
    std::memcpy(xy.data(), data, 4 * (size / 4));
    xy.pop_back();
    lab_set_strokes_checked(*lab, xy.data(), xy.size(), counts.data(), strokes);
  }
  lab_update(*lab);
  return 0;
}
