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

/**
 * Runs one GraphQL query and returns its data; throws ApiError on any error.
 * @param {string} query
 * @param {object} [variables]
 */
export async function gql(query, variables) {
  let res;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new ApiError(e.message, 'NETWORK');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('HTTP ' + res.status, 'HTTP');
  }
  if (body.errors && body.errors.length) {
    const ext = body.errors[0].extensions || {};
    throw new ApiError(body.errors.map((e) => e.message).join('; '), ext.code);
  }
  if (!res.ok || !body.data) throw new ApiError('HTTP ' + res.status, 'HTTP');
  return body.data;
}
