// GraphiQL's documentation explorer: the schema loads through GraphiQL's
// own introspection query at the server's default limits (it once showed
// "Error fetching schema": the depth limit refused that query), and Docs
// lists the fields of Query, ranking among them.
import { base, check, open } from './lib.mjs';

const { page, finish } = await open();
await page.goto(`${base}/graphiql`);
await page.waitForSelector('.graphiql-container', { timeout: 15000 });
await page.getByLabel('Show Documentation Explorer').click();
const docs = page.locator('.graphiql-doc-explorer');
const loaded = await docs.getByText('Query', { exact: true }).first().click({ timeout: 15000 }).then(() => true, () => false);
check(loaded, 'Docs shows the root types: the schema loaded');
await page.waitForFunction(() => /\branking\b/.test(document.querySelector('.graphiql-doc-explorer')?.innerText || ''), null, { timeout: 15000 })
  .catch(() => {});
const text = await docs.innerText();
check(/\branking\b/.test(text) && /\bprogress\b/.test(text), 'Docs lists the fields of Query, ranking and progress among them');
check(!/error fetching schema/i.test(await page.locator('.graphiql-container').innerText()), 'no "Error fetching schema"');
await finish();
