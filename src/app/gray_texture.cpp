// Grayscale images as OpenGL textures, one per on-screen slot, re-uploaded only when their pixels
// change: drawing a 28x28 image as 784 rectangles made the browser's software renderer the
// bottleneck. OpenGL 3 (desktop) and WebGL2 share these GL 1.1-era calls; only the header differs.
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif
#include <imgui.h>

#include "core/pixels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/app.h"

namespace aelab {
namespace {

struct Slot {
  GLuint texture = 0;
  int width = 0, height = 0;
  std::vector<float> shown; // the pixels last uploaded
  std::vector<uint8_t> rgba;
  uint64_t key = ~0ull; // rgb_texture: what the upload showed
};

// Uploads slot.rgba (width x height) into the slot's texture.
void upload(Slot& slot, int width, int height, bool smooth) {
  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  if (slot.texture == 0) glGenTextures(1, &slot.texture);
  glBindTexture(GL_TEXTURE_2D, slot.texture);
  GLint filter = smooth ? GL_LINEAR : GL_NEAREST;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (slot.width == width && slot.height == height) {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, slot.rgba.data());
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, slot.rgba.data());
    slot.width = width, slot.height = height;
  }
  glBindTexture(GL_TEXTURE_2D, GLuint(previous));
}

std::unordered_map<std::string, Slot>& slots() {
  static std::unordered_map<std::string, Slot> map;
  return map;
}

} // namespace

void* gray_texture(const char* slot_name, const float* pixels, int width, int height, bool smooth) {
  Slot& slot = slots()[slot_name];
  const size_t n = size_t(width) * size_t(height);
  if (slot.texture != 0 && slot.width == width && slot.height == height &&
      std::memcmp(slot.shown.data(), pixels, n * sizeof(float)) == 0)
    return reinterpret_cast<void*>(intptr_t(slot.texture));

  slot.shown.assign(pixels, pixels + n);
  slot.rgba.resize(4 * n);
  for (size_t i = 0; i < n; ++i) {
    uint8_t g = unit_to_pixel(pixels[i]);
    slot.rgba[4 * i] = slot.rgba[4 * i + 1] = slot.rgba[4 * i + 2] = g;
    slot.rgba[4 * i + 3] = 255;
  }
  upload(slot, width, height, smooth);
  return reinterpret_cast<void*>(intptr_t(slot.texture));
}

void* rgb_texture(const char* slot_name, const RgbImage& image, uint64_t key) {
  Slot& slot = slots()[slot_name];
  if (slot.texture != 0 && slot.key == key && slot.width == image.width && slot.height == image.height)
    return reinterpret_cast<void*>(intptr_t(slot.texture));
  slot.key = key;
  const size_t n = size_t(image.width) * size_t(image.height);
  slot.rgba.resize(4 * n);
  for (size_t i = 0; i < n; ++i) {
    std::copy(&image.rgb[3 * i], &image.rgb[3 * i + 3], &slot.rgba[4 * i]);
    slot.rgba[4 * i + 3] = 255;
  }
  upload(slot, image.width, image.height, false);
  return reinterpret_cast<void*>(intptr_t(slot.texture));
}

} // namespace aelab
