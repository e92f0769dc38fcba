(horizon) => {
  // What this frame has scheduled within `horizon` ms: the latest due time, or why it
  // cannot be known (then the caller waits the whole window, as without this check).
  const timers = window.__rgpdCheckTimers;
  if (!timers) { return {unknown: 'not_instrumented'}; }
  const t = performance.now();
  const late = t - 50; // due a moment ago: maybe not run yet
  let latest = -1;
  let count = 0;
  const consider = (dueIn) => {
    if (dueIn >= -50 && dueIn <= horizon) { latest = Math.max(latest, dueIn, 0); count += 1; }
  };
  for (const [id, [due, period]] of timers) {
    if (!period) {
      if (due < late - 1000) { timers.delete(id); } else { consider(due - t); }
      continue;
    }
    const next = due >= late ? due : due + Math.ceil((late - due) / period) * period;
    consider(next - t);
  }
  for (const media of document.querySelectorAll('video, audio')) {
    if (!media.paused && !media.ended) { return {unknown: 'media_playing'}; }
  }
  for (const animation of (document.getAnimations ? document.getAnimations() : [])) {
    const timing = animation.effect && animation.effect.getComputedTiming();
    if (animation.playState !== 'running' || !timing || !isFinite(timing.endTime)) { continue; }
    if (animation.currentTime === null) { continue; }
    consider((timing.endTime - animation.currentTime) / Math.abs(animation.playbackRate || 1));
  }
  const refresh = document.querySelector('meta[http-equiv="refresh" i]');
  if (refresh) {
    const seconds = parseFloat(refresh.getAttribute('content') || '');
    if (isFinite(seconds)) {
      const navigation = performance.getEntriesByType('navigation')[0];
      const loaded = navigation && navigation.loadEventEnd ? navigation.loadEventEnd : t;
      consider(loaded + seconds * 1000 - t);
    }
  }
  return {latest: latest < 0 ? null : latest, count};
}
