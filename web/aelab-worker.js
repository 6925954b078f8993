// The training run in a dedicated Web Worker, for the single-thread page (every page that is not
// cross-origin isolated, such as a teacher's iframe): its own WebAssembly instance of the core and
// the run (aelab-run.js, from src/platform/run_worker.cpp), so training never takes turns with
// the page's drawing. No SharedArrayBuffer: commands and snapshots travel by postMessage as
// transferable ArrayBuffers, and the worker fetches its data itself (the training set never
// passes through the page's thread).
//   from the page: {type: 'command', bytes}  a command (lab/wire.h)
//                  {type: 'load', train, seq, gen, dir} fetch a split (<dir>*.gz: data/ for MNIST,
//                    data/fashion/ for Fashion-MNIST) and give it to the run
//                  {type: 'load', train, seq, gen, own: {images, labels, imagesName, labelsName}}
//                    the same with the user's own files, which the page has
//                  {type: 'gen', gen} a new data set was chosen (after the commands that forget the old)
//                  {type: 'retry'} a download waiting to try again tries now (the lab's Retry)
//   to the page:   {type: 'ready'}, {type: 'snapshot', bytes}, {type: 'progress', train, gen, fraction},
//                  {type: 'waiting', train, gen, text} a download waits to try again ('' done),
//                  {type: 'failed', train, gen, error}, {type: 'fatal', error}
// gen numbers the page's data set choices: a split loaded for an older choice is dropped.
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

importScripts('aelab-load.js');

function heapCopy(bytes) {
  const p = Module._malloc(Math.max(1, bytes.length));
  Module.HEAPU8.set(bytes, p);
  return p;
}

function heapString(text) { return heapCopy(new TextEncoder().encode(`${text}\0`)); }

let latestGen = 0;
async function loadSplit(m) {
  const train = m.train === 1 || m.train === true, seq = m.seq, gen = m.gen || 0;
  latestGen = Math.max(latestGen, gen);
  try {
    const progress = (f) => self.postMessage({ type: 'progress', train, gen, fraction: 0.97 * f });
    const wait = (text) => self.postMessage({ type: 'waiting', train, gen, text });
    const split = m.own || await self.aelabLoad.fetchSplit(m.dir || self.aelabLoad.dataDirs.mnist, train, progress, wait);
    inbox.push(gen < latestGen ? { type: 'skip', seq } : { type: 'dataset', train, seq, gen, ...split });
    schedule();
  } catch (e) {
    inbox.push({ type: 'skip', seq });
    self.postMessage({ type: 'failed', train, gen, error: e.message });
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
    const p = heapCopy(m.labels), pi = heapString(m.imagesName), pl = heapString(m.labelsName);
    const error = Module.UTF8ToString(Module._aelab_worker_set_dataset(m.train ? 1 : 0, p, m.labels.length, m.seq,
                                                                       pi, pl));
    [p, pi, pl].forEach((q) => Module._free(q));
    if (error) self.postMessage({ type: 'failed', train: m.train, gen: m.gen, error });
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
  if (m.type === 'load') loadSplit(m);
  else if (m.type === 'gen') latestGen = Math.max(latestGen, m.gen); // a new data set was chosen
  else if (m.type === 'retry') self.aelabLoad.retryNow();
  else inbox.push(m);
  schedule();
};

importScripts('aelab-run.js');
