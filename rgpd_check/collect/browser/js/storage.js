([maxItems, maxValue]) => {
  const out = {origin: location.origin, href: location.href};
  const read = (name, get) => {
    try {
      const store = get();
      const items = [];
      for (let i = 0; i < store.length && i < maxItems; i++) {
        const key = store.key(i);
        items.push([key, String(store.getItem(key)).slice(0, maxValue)]);
      }
      out[name] = items;
    } catch (e) {
      out[name + '_error'] = String(e).slice(0, 200);
    }
  };
  read('local', () => window.localStorage);
  read('session', () => window.sessionStorage);
  return out;
}
