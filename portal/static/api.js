// The GraphQL client of the portal: GET from the API named by
// <meta name="tiendo-api"> (default: /graphql on this origin), a query named
// by its SHA-256 (persisted queries), so answers revalidate (ETag, 304). In a static
// copy (publish --out, whose pages carry <meta name="tiendo-static">), the
// queries are answered from the copy's data/ files (static-api.js) when the
// API is "none" or cannot be reached, and the page says so.
const meta = document.querySelector('meta[name="tiendo-api"]');
const copy = !!document.querySelector('meta[name="tiendo-static"]');
const configured = (meta && meta.content) || '/graphql';

/** The absolute URL of the GraphQL endpoint ("none": a static copy without API). */
export const endpoint = configured === 'none' ? 'none' : new URL(configured, location.href).href;

// Once the API is found unreachable, the copy's files answer for the rest of
// the visit (every page of it), without asking the API again.
const SESSION = 'tiendo-static:' + endpoint;
const remembered = () => {
  try {
    return sessionStorage.getItem(SESSION) === '1';
  } catch {
    return false; // storage refused (a sandboxed frame)
  }
};
let offline = copy && (endpoint === 'none' || remembered());

/** An error from the API, with its extensions.code when it has one. */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code || '';
  }
}

// What a reader is told while the API asks to wait (429: many readers
// behind one address; 503: the database is away), in the page's language.
const WORDS = {
  vi: {
    wait: (s) => `Nhiều người đang xem cùng lúc, tự động tải lại sau ${s} giây…`,
    RATE_LIMITED: 'Máy chủ đang quá tải vì nhiều người xem cùng lúc; vui lòng tải lại trang sau ít phút.',
    UNAVAILABLE: 'Máy chủ tạm thời không đọc được cơ sở dữ liệu; vui lòng tải lại trang sau ít phút.',
  },
  en: {
    wait: (s) => `Many readers at once: trying again in ${s} seconds…`,
    RATE_LIMITED: 'The server is busy with many readers at once; please reload the page in a few minutes.',
    UNAVAILABLE: 'The server cannot reach its database for the moment; please reload the page in a few minutes.',
  },
};
const words = () => WORDS[document.documentElement.lang === 'en' ? 'en' : 'vi'];

/** Retries of one request the API asked to wait for, and the longest wait followed. */
const RETRIES = 3;
const MAX_WAIT = 30;

/** Waits secs seconds (plus up to one, so readers behind one address do not come back together), saying so in #status. */
async function pause(secs) {
  const status = document.getElementById('status');
  const before = status ? status.textContent : '';
  if (status) status.textContent = words().wait(secs);
  await new Promise((resolve) => setTimeout(resolve, (secs + Math.random()) * 1000));
  if (status && status.textContent === words().wait(secs)) status.textContent = before;
}

/** A GET by the query's hash, with its text when full (which registers it) or without SubtleCrypto (plain HTTP). */
async function get(query, variables, full) {
  const u = new URL(endpoint);
  const hash = crypto.subtle && Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(query))), (x) => x.toString(16).padStart(2, '0')).join('');
  if (full || !hash) u.searchParams.set('query', query);
  if (variables) u.searchParams.set('variables', JSON.stringify(variables));
  if (hash) u.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
  try {
    return await fetch(u, { headers: { Accept: 'application/json' }, cache: fresh ? 'no-cache' : 'default' });
  } catch (e) {
    throw new ApiError(e.message, 'NETWORK');
  }
}

let fresh = false;
/** While on, reads revalidate whatever the browser's cache holds (a live update). */
export const revalidating = (on) => { fresh = on; };

/** The copy's answer to a query (static-api.js, loaded only then). */
const fromCopy = async (query, variables) => (await import('./static-api.js')).staticAnswer(query, variables, ApiError);

/**
 * Runs one GraphQL query and returns its data; throws ApiError on any error.
 * When the API answers 429 or 503 with Retry-After, it waits that long and
 * asks again (a few times). In a static copy whose API cannot be reached,
 * the copy's files answer.
 * @param {string} query
 * @param {object} [variables]
 */
export async function gql(query, variables) {
  if (offline) return fromCopy(query, variables);
  try {
    return await live(query, variables);
  } catch (e) {
    // No API there (no such path, or no answer): the copy answers.
    if (!copy || (e.code !== 'NETWORK' && e.code !== 'HTTP')) throw e;
    offline = true;
    try {
      sessionStorage.setItem(SESSION, '1');
    } catch {
      // private browsing: this page still reads the copy
    }
    return fromCopy(query, variables);
  }
}

/** The response to a query, after the waits the API asked for (429, 503 with Retry-After). */
async function ask(query, variables, full) {
  let res = await get(query, variables, full);
  for (let i = 0; i < RETRIES && (res.status === 429 || res.status === 503); i++) {
    const secs = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    if (!(secs >= 0 && secs <= MAX_WAIT)) break;
    await pause(secs);
    res = await get(query, variables, full);
  }
  try {
    return [res, await res.json()];
  } catch {
    throw new ApiError('HTTP ' + res.status, 'HTTP');
  }
}

async function live(query, variables) {
  let [res, body] = await ask(query, variables, false);
  // A query the server does not know yet (built as the page runs): once more with its text.
  if (body.errors && body.errors[0].message === 'PersistedQueryNotFound') [res, body] = await ask(query, variables, true);
  if (body.errors && body.errors.length) {
    const ext = body.errors[0].extensions || {};
    const mine = words()[ext.code];
    throw new ApiError(mine || body.errors.map((e) => e.message).join('; '), ext.code);
  }
  if (!res.ok || !body.data) throw new ApiError('HTTP ' + res.status, 'HTTP');
  return body.data;
}

// ---- Calls ----

/** A query's lang argument for a page's language. */
export const apiLang = (lang) => (lang === 'en' ? 'EN' : 'VI');

const memo = new Map();
/** Forgets every run of cached (the figures changed). */
export const forget = () => memo.clear();
/** Runs fn once per key (a failed run is forgotten, so it is retried). */
export function cached(key, fn) {
  if (!memo.has(key)) {
    if (memo.size > 200) memo.clear();
    const p = fn();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return memo.get(key);
}
