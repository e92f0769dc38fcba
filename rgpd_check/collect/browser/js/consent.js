([known, rejectWords, mark, doMark]) => {
  const visible = (el) => {
    if (!el || !el.getBoundingClientRect) { return false; }
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && parseFloat(s.opacity || '1') > 0;
  };
  const text = (el) => ((el && (el.innerText || el.textContent)) || '').replace(/\s+/g, ' ').trim();
  const words = new RegExp(rejectWords, 'i');
  const query = (sel) => { try { return document.querySelector(sel); } catch (e) { return null; } };
  const buttonsIn = (root) => Array.from(root.querySelectorAll(
    'button, [role=button], a, input[type=button], input[type=submit]'));
  const label = (el) => text(el) || el.value || el.getAttribute('aria-label') || '';
  const markButton = (el) => { if (doMark) { el.setAttribute(mark, '1'); } return `[${mark}="1"]`; };
  for (const platform of known) {
    for (const sel of platform.banner) {
      const el = query(sel);
      if (!el) { continue; }
      let reject = null;
      for (const rsel of platform.reject) {
        const button = query(rsel);
        if (button && visible(button)) { reject = {selector: rsel, label: label(button).slice(0, 100), method: 'known_platform'}; break; }
      }
      if (!reject) {
        const button = buttonsIn(el).find((b) => visible(b) && words.test(label(b)));
        if (button) { reject = {selector: markButton(button), label: label(button).slice(0, 100), method: 'words'}; }
      }
      return {platform: platform.id, method: 'known_platform', selector: sel, visible: visible(el),
              text: text(el).slice(0, 400), reject};
    }
  }
  const marker = /(cookie|consent|gdpr|rgpd|tarteaucitron|privacy-banner|cmp)/i;
  const about = /(cookie|traceur|consentement|consent|vie priv[ée]e|privacy)/i;
  const candidates = document.querySelectorAll('[id], [class], [role=dialog], [role=alertdialog], [aria-modal=true]');
  for (const el of candidates) {
    const cls = typeof el.className === 'string' ? el.className : '';
    const named = marker.test(`${el.id || ''} ${cls}`);
    const dialog = ['dialog', 'alertdialog'].includes(el.getAttribute('role')) || el.getAttribute('aria-modal') === 'true';
    if (!(named || dialog) || !visible(el)) { continue; }
    const content = text(el);
    const buttons = buttonsIn(el).filter(visible);
    if (!about.test(content) || buttons.length === 0 || content.length > 3000) { continue; }
    const button = buttons.find((b) => words.test(label(b)));
    const reject = button ? {selector: markButton(button), label: label(button).slice(0, 100), method: 'words'} : null;
    return {platform: null, method: 'pattern', selector: el.id ? `#${el.id}` : el.tagName.toLowerCase(),
            visible: true, text: content.slice(0, 400), reject};
  }
  return null;
}
