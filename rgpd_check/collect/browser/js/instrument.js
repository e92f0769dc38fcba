(() => {
  if (window.__rgpdCheckInstalled) { return; }
  Object.defineProperty(window, '__rgpdCheckInstalled', {value: true});
  const send = (data) => {
    try {
      const report = window.__rgpdCheckReport;
      if (typeof report === 'function') { report(data); }
    } catch (e) { /* never break the page */ }
  };
  const stack = () => { try { return String(new Error().stack || '').slice(0, 4000); } catch (e) { return ''; } };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (cookie && cookie.set && cookie.get) {
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      enumerable: cookie.enumerable,
      get() { return cookie.get.call(this); },
      set(value) {
        send({kind: 'cookie_write', api: 'document.cookie', value: String(value).slice(0, 1000), stack: stack()});
        return cookie.set.call(this, value);
      },
    });
  }
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    let area = 'unknown';
    try { area = this === window.localStorage ? 'local' : 'session'; } catch (e) { area = 'session'; }
    send({kind: 'storage_write', storage: area, key: String(key).slice(0, 300),
          value: String(value).slice(0, 1000), stack: stack()});
    return setItem.apply(this, arguments);
  };
  if (window.CookieStore && CookieStore.prototype.set) {
    const storeSet = CookieStore.prototype.set;
    CookieStore.prototype.set = function (name, value) {
      const text = typeof name === 'object' && name ? `${name.name}=${name.value}` : `${name}=${value}`;
      send({kind: 'cookie_write', api: 'cookieStore.set', value: String(text).slice(0, 1000), stack: stack()});
      return storeSet.apply(this, arguments);
    };
  }
})();
