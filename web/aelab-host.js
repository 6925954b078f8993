// Messages between an embedded lab and the page around it (docs/web-api.md, "Host-page
// messages"), built on window.aelab only. Events go to window.parent, to the origin given by
// parentOrigin= (in the query or the hash; '*' without it); commands come from the parent, and
// from that origin only when it is set. A bad command is answered with aelab:error and the lab
// goes on.
'use strict';
(function () {
  if (window.parent === window) return; // not embedded: nobody to talk to
  const aelab = window.aelab;
  const query = new URLSearchParams(location.search), hash = new URLSearchParams(location.hash.slice(1));
  const parentOrigin = query.get('parentOrigin') || hash.get('parentOrigin') || '*';
  const post = (message) => window.parent.postMessage(message, parentOrigin);

  // ---- events
  aelab.ready.then(() => {
    post({ type: 'aelab:ready', state: aelab.state() });
    window.addEventListener('aelab-link', (e) => post({ type: 'aelab:state-changed', link: e.detail }));
    let epoch = aelab.state().epoch, pending = -1, inputKey = null, inputTimer = null;
    setInterval(() => {
      const s = aelab.state();
      if (s.epoch < epoch) epoch = s.epoch, pending = -1; // a reset or a load
      if (s.epoch > epoch) epoch = s.epoch, pending = s.epoch;
      // after an epoch: once its validation pass is done (or there is no test set to do it)
      if (pending >= 0 && (s.valEpoch >= pending || s.testSet.status !== 'ready')) {
        post({ type: 'aelab:epoch', epoch: pending, trainLoss: s.trainLoss,
               valLoss: s.valEpoch >= pending ? s.valLoss : null });
        pending = -1;
      }
      // the drawing: once it has stopped changing for 300 ms
      const pixels = aelab.input();
      let key = 0;
      for (let i = 0; i < pixels.length; i++) key = (key * 31 + Math.round(pixels[i] * 255)) | 0;
      key = `${key}:${s.model.latent}:${s.codeEdited}`;
      if (inputKey !== null && key !== inputKey) {
        clearTimeout(inputTimer);
        inputTimer = setTimeout(() => {
          const now = aelab.state();
          post({ type: 'aelab:input', loss: now.inputEmpty ? null : now.inputLoss, code: aelab.latent() });
        }, 300);
      }
      inputKey = key;
    }, 100);
  });

  // ---- commands
  const commands = {
    'aelab:set': (m) => { aelab.set(object(m, 'settings')); },
    'aelab:train': (m) => {
      if (m.on !== undefined && typeof m.on !== 'boolean') throw new Error(`aelab:train: on = ${JSON.stringify(m.on)}: expected true or false`);
      return aelab.train(m.on !== false);
    },
    'aelab:loadTestDigit': (m) => {
      if (!aelab.loadTestDigit(m.index))
        throw new Error(`aelab:loadTestDigit: index ${JSON.stringify(m.index)}: expected a test digit's index (0 to 9999, once the test set is loaded)`);
    },
    'aelab:setInput': (m) => aelab.setInput(m.input),
    'aelab:view': (m) => aelab.view(m.name),
    'aelab:state': () => ({ type: 'aelab:state', state: aelab.state() }),
  };
  function object(m, key) {
    const v = m[key];
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${m.type}: expected ${key}: {...}`);
    return v;
  }
  window.addEventListener('message', async (e) => {
    if (e.source !== window.parent) return;
    if (parentOrigin !== '*' && e.origin !== parentOrigin) return; // not the page we belong to
    const m = e.data;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string' || !m.type.startsWith('aelab:')) return;
    const reply = (r) => e.source.postMessage(r, e.origin === 'null' ? '*' : e.origin);
    try {
      const command = commands[m.type];
      if (!command)
        throw new Error(`unknown command '${m.type}' (expected ${Object.keys(commands).join(', ')})`);
      await aelab.ready;
      const answer = await command(m);
      if (answer) reply(answer);
    } catch (err) {
      reply({ type: 'aelab:error', message: err.message, command: m.type });
    }
  });
})();
