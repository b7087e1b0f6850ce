// The GraphQL client of the portal: POST to the API named by
// <meta name="tiendo-api"> (default: /graphql on this origin).

const meta = document.querySelector('meta[name="tiendo-api"]');

/** The absolute URL of the GraphQL endpoint. */
export const endpoint = new URL((meta && meta.content) || '/graphql', location.href).href;

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

async function post(query, variables) {
  try {
    return await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new ApiError(e.message, 'NETWORK');
  }
}

/**
 * Runs one GraphQL query and returns its data; throws ApiError on any error.
 * When the API answers 429 or 503 with Retry-After, it waits that long and
 * asks again (a few times).
 * @param {string} query
 * @param {object} [variables]
 */
export async function gql(query, variables) {
  let res = await post(query, variables);
  for (let i = 0; i < RETRIES && (res.status === 429 || res.status === 503); i++) {
    const secs = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    if (!(secs >= 0 && secs <= MAX_WAIT)) break;
    await pause(secs);
    res = await post(query, variables);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('HTTP ' + res.status, 'HTTP');
  }
  if (body.errors && body.errors.length) {
    const ext = body.errors[0].extensions || {};
    const mine = words()[ext.code];
    throw new ApiError(mine || body.errors.map((e) => e.message).join('; '), ext.code);
  }
  if (!res.ok || !body.data) throw new ApiError('HTTP ' + res.status, 'HTTP');
  return body.data;
}
