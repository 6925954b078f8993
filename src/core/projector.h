// The TensorBoard Embedding Projector's files for a set of latent codes, so a student can look at
// them in 3-D elsewhere: vectors.tsv (a code a line), metadata.tsv (label and class name), a
// sprite of the pictures, and projector_config.json (paths relative to it, as the Projector's
// "Load" dialog reads them). The command line writes them to a folder, the app zips them.
#pragma once
#include <vector>

#include "core/dataset.h"
#include "core/image_io.h"
#include "core/tensor.h"

namespace aelab {

// codes is (data.count, latent); class_names has 10 names (labels from 10 on are shown as numbers).
std::vector<NamedFile> projector_files(const Matrix& codes, const Dataset& data,
                                       const char* const* class_names);

} // namespace aelab
