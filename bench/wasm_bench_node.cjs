// Our WebAssembly core's training throughput in node (headless, no browser): the same module
// and the same calls as the benchmark page. Prints JSON.
//   node --no-experimental-fetch bench/wasm_bench_node.cjs build/wasm-bench/aelab_bench.js DATA_DIR [EPOCHS] [THREADS] [ae|conv]
// THREADS > 1 needs the -pthread build, build/wasm-bench-mt/aelab_bench_mt.js.
'use strict';
const fs = require('fs');
const path = require('path');
const { aelabBenchEpochs } = require('./ours_epochs.js');

async function main() {
  const [moduleJs, dataDir, epochs = '3', threads = '1', model = 'ae'] = process.argv.slice(2);
  if (!moduleJs || !dataDir) {
    console.error('usage: node --no-experimental-fetch wasm_bench_node.cjs AELAB_BENCH_JS DATA_DIR [EPOCHS] [THREADS] [ae|conv]');
    process.exit(2);
  }
  const createModule = require(path.resolve(moduleJs));
  const images = new Uint8Array(fs.readFileSync(path.join(dataDir, 'train-images-idx3-ubyte')));
  const result = await aelabBenchEpochs(createModule, images, { epochs: Number(epochs), threads: Number(threads), model });
  result.runtime = `node ${process.version}`;
  console.log(JSON.stringify(result, null, 1));
  process.exit(0); // the threaded module's pool workers would keep node alive
}

main().catch((e) => { console.error(`wasm_bench_node: ${e.message}`); process.exit(1); });
