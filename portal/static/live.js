// "Đang cập nhật": the rankings page follows its campaign's figures live.
// It listens to the API's Server-Sent Events (/events?campaign=…, next to
// /graphql; the server sends "figures" when a campaign's figures are
// recomputed, announced by PostgreSQL NOTIFY) and, on one for the campaign
// shown (or a "resync"), reads the page again, past the browser's cache
// (revalidating: 304s for what did not change), saying "Đang cập nhật…" in a
// small polite live region meanwhile. No polling: while the page is hidden
// the stream is closed, and when it shows again it is opened again and the
// page read once more. A static copy (publish --out) does not follow: its
// figures are those published.
import { endpoint, revalidating, forget } from './api.js';
import { $, setStatus } from './common.js';

const WORDS = { vi: 'Đang cập nhật…', en: 'Updating…' };
const off = endpoint === 'none' || !!document.querySelector('meta[name="tiendo-static"]') || !('EventSource' in window);

let slug = '';
let source = null;
let refresh = null;
let running = null; // the refresh under way
let again = false; // another change came during it

/** Reads the page again (once more if the figures changed meanwhile), "Đang cập nhật…" showing. */
async function update() {
  if (running) {
    again = true;
    return;
  }
  const box = $('updating');
  do {
    again = false;
    forget();
    revalidating(true);
    running = refresh();
    setStatus(''); // the render's "loading" line: this region says it
    box.textContent = WORDS[document.documentElement.lang === 'en' ? 'en' : 'vi'];
    try {
      await running;
    } finally {
      revalidating(false);
      running = null;
    }
  } while (again);
  box.textContent = '';
}

function open() {
  if (source || !slug || document.visibilityState === 'hidden') return;
  source = new EventSource(new URL('events?campaign=' + encodeURIComponent(slug), endpoint));
  source.addEventListener('figures', (ev) => {
    try {
      if (JSON.parse(ev.data).campaign === slug) update();
    } catch {
      // not an event of ours
    }
  });
  source.addEventListener('resync', update);
}

function close() {
  if (source) source.close();
  source = null;
}

/**
 * Follows the figures of campaign (a slug): call it on each render with the
 * campaign shown; render() reads the page again and returns when done.
 */
export function follow(campaign, render) {
  if (off) return;
  refresh = render;
  if (campaign !== slug) close();
  slug = campaign;
  open();
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') return close();
  if (slug && !source) {
    open();
    update();
  }
});
window.addEventListener('pagehide', close);
