// The benchmark pages' data: MNIST IDX files served gzip-compressed, inflated in the browser
// with DecompressionStream (no library), returned as the IDX bytes.
async function fetchIdx(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const inflated = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}
