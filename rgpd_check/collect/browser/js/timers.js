(() => {
  // Which timers the page has set and not cleared, so the browser waits for the ones due
  // soon instead of sleeping a fixed time. Only the bookkeeping is added: the page's own
  // callbacks are passed to the browser untouched, and ids and errors are the native ones.
  if (window.__rgpdCheckTimers) { return; }
  const pending = new Map(); // id -> [due (performance.now() ms), period ms, 0 for a timeout]
  Object.defineProperty(window, '__rgpdCheckTimers', {value: pending});
  const now = () => performance.now();
  const prune = () => {
    const late = now() - 1000;
    for (const [id, [due, period]] of pending) {
      if (!period && due < late) { pending.delete(id); }
    }
  };
  let synthetic = 0;
  const remember = (id, delay, repeat) => {
    if (pending.size >= 5000) { prune(); }
    const ms = Math.max(0, Number(delay) || 0);
    pending.set(id, [now() + ms, repeat ? Math.max(ms, 1) : 0]);
  };
  const keep = (native, wrapped) => {
    try {
      Object.defineProperty(wrapped, 'name', {value: native.name});
      Object.defineProperty(wrapped, 'length', {value: native.length});
    } catch (e) { /* cosmetic only */ }
    return wrapped;
  };
  const setter = (name, repeat) => {
    const native = window[name];
    if (typeof native !== 'function') { return; }
    window[name] = keep(native, function (handler, delay) {
      const id = native.apply(this, arguments);
      try { remember(id, delay, repeat); } catch (e) { /* never break the page */ }
      return id;
    });
  };
  const clearer = (name) => {
    const native = window[name];
    if (typeof native !== 'function') { return; }
    window[name] = keep(native, function (id) {
      const result = native.apply(this, arguments);
      try { pending.delete(Number(id)); } catch (e) { /* never break the page */ }
      return result;
    });
  };
  setter('setTimeout', false);
  setter('setInterval', true);
  clearer('clearTimeout');
  clearer('clearInterval');
  if (window.Scheduler && Scheduler.prototype.postTask) {
    const native = Scheduler.prototype.postTask;
    Scheduler.prototype.postTask = keep(native, function (callback, options) {
      try {
        const delay = options && Number(options.delay);
        if (delay > 0) { synthetic -= 1; remember(synthetic, delay, false); }
      } catch (e) { /* never break the page */ }
      return native.apply(this, arguments);
    });
  }
})();
