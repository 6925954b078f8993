// The training run in a dedicated Web Worker, for the single-thread page (every page that is not
// cross-origin isolated, such as a teacher's iframe): its own WebAssembly instance of the core and
// the run (aelab-run.js, from src/platform/run_worker.cpp), so training never takes turns with
// the page's drawing. No SharedArrayBuffer: commands and snapshots travel by postMessage as
// transferable ArrayBuffers, and the worker fetches its data itself (the training set never
// passes through the page's thread).
//   from the page: {type: 'command', bytes}  a command (lab/wire.h)
//                  {type: 'load', train, seq} fetch a split (data/*.gz) and give it to the run
//   to the page:   {type: 'ready'}, {type: 'snapshot', bytes}, {type: 'progress', train, fraction},
//                  {type: 'failed', train, error}, {type: 'fatal', error}
'use strict';
const inbox = [];
let ready = false, scheduled = false;

self.Module = {
  locateFile: (path) => path,
  print: () => {},
  printErr: (text) => console.warn(text),
  onAbort: (what) => self.postMessage({ type: 'fatal', error: `the training worker stopped: ${what}` }),
  onRuntimeInitialized() {
    ready = true;
    self.postMessage({ type: 'ready' });
    schedule();
  },
};

importScripts('aelab-fetch.js');
const fetchBytes = self.aelabFetchBytes;

function heapCopy(bytes) {
  const p = Module._malloc(Math.max(1, bytes.length));
  Module.HEAPU8.set(bytes, p);
  return p;
}

async function loadSplit(train, seq) {
  const prefix = train ? 'data/train' : 'data/t10k';
  try {
    const progress = (f) => self.postMessage({ type: 'progress', train, fraction: 0.97 * f });
    const images = await fetchBytes(`${prefix}-images-idx3-ubyte.gz`, progress);
    const labels = await fetchBytes(`${prefix}-labels-idx1-ubyte.gz`);
    inbox.push({ type: 'dataset', train, seq, images, labels });
    schedule();
  } catch (e) {
    inbox.push({ type: 'skip', seq });
    self.postMessage({ type: 'failed', train, error: e.message });
    schedule();
  }
}

function handle(m) {
  if (m.type === 'command') {
    const p = heapCopy(new Uint8Array(m.bytes));
    Module._aelab_worker_command(p, m.bytes.byteLength);
    Module._free(p);
  } else if (m.type === 'dataset') {
    const at = Module._aelab_worker_image_buffer(m.images.length); // may grow the memory: view it after
    Module.HEAPU8.set(m.images, at);
    const p = heapCopy(m.labels);
    const error = Module.UTF8ToString(Module._aelab_worker_set_dataset(m.train ? 1 : 0, p, m.labels.length, m.seq));
    Module._free(p);
    if (error) self.postMessage({ type: 'failed', train: m.train, error });
  } else if (m.type === 'skip') {
    Module._aelab_worker_skip(m.seq);
  }
}

// Commands between units of work; a snapshot after them when one is due.
function pump() {
  scheduled = false;
  if (!ready) return;
  for (const m of inbox.splice(0)) handle(m);
  const more = Module._malloc(4);
  const size = Module._aelab_worker_pump(0, more); // one unit: a command waits for at most one batch
  const again = Module.HEAP32[more >> 2] === 1;
  Module._free(more);
  if (size > 0) {
    const at = Module._aelab_worker_message();
    const bytes = Module.HEAPU8.slice(at, at + size);
    self.postMessage({ type: 'snapshot', bytes: bytes.buffer }, [bytes.buffer]);
  }
  if (again) schedule();
}

// The next pump as a task of its own (a MessageChannel message: no 4 ms timer clamping), so
// messages from the page are handled in between.
const channel = new MessageChannel();
channel.port1.onmessage = pump;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  channel.port2.postMessage(0);
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'load') loadSplit(m.train === 1 || m.train === true, m.seq);
  else inbox.push(m);
  schedule();
};

importScripts('aelab-run.js');
