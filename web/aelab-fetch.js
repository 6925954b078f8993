// The one fetch helper of the page and of its training worker (aelab-worker.js): the whole body
// of a URL as bytes, gunzipped if it is gzip (by its magic bytes, so a server that already decoded
// a Content-Encoding: gzip response works too).
'use strict';
self.aelabFetchBytes = async function fetchBytes(url, onProgress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const total = Number(response.headers.get('Content-Length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (onProgress && total) onProgress(Math.min(1, loaded / total), loaded, total);
  }
  let bytes = new Uint8Array(loaded);
  for (let i = 0, at = 0; i < chunks.length; at += chunks[i].byteLength, i++) bytes.set(chunks[i], at);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    if (typeof DecompressionStream === 'undefined') throw new Error(`${url}: this browser has no DecompressionStream`);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return bytes;
};
