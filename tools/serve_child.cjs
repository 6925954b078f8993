// Starts tools/serve.py on a free port for a script (the browser test, the in-app benchmark) and
// resolves to { server, url } once it listens. isolated: send COOP/COEP (the threaded build).
'use strict';
const path = require('path');
const { spawn } = require('child_process');

function serve(dir, { isolated = true } = {}) {
  const args = [path.join(__dirname, 'serve.py'), dir, '--port', '0', '--quiet'];
  if (!isolated) args.push('--no-isolation');
  const server = spawn('python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d));
      if (m) resolve({ server, url: m[0] });
    });
    server.on('exit', (code) => reject(new Error(`serve.py exited with ${code}`)));
  });
}

module.exports = { serve };
