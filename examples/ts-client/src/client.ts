// A typed client for the Tiến Độ API: each operation's variables and
// result are the types graphql-codegen generated from the schema, so a
// schema change that breaks these queries fails `tsc --noEmit`.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { CampaignsDocument, RankingDocument } from './generated/graphql';

export class ApiError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

export async function request<R, V>(endpoint: string, doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json', 'apollographql-client-name': 'tiendo-ts-client', 'apollographql-client-version': '0.0.0' },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length || !body.data) {
    const e = body.errors?.[0];
    throw new ApiError(e?.message ?? `HTTP ${res.status}`, e?.extensions?.code);
  }
  return body.data;
}

// The districts of Bến Tre ranked by activation on 14/11/2023, as the portal shows them.
export async function districts(endpoint: string): Promise<string[]> {
  const data = await request(endpoint, RankingDocument, {
    c: 'ben-tre-cong-dan-so', m: 'activated', d: '2023-11-14', l: 'DISTRICT', first: 50, lang: 'EN',
  });
  return data.ranking.edges.map(({ node }) => `${node.rank ?? '–'}. ${node.unit.fullName}: ${node.rateText ?? 'no rate'}`);
}

export async function campaignSlugs(endpoint: string): Promise<string[]> {
  const data = await request(endpoint, CampaignsDocument, {});
  return data.campaigns.edges.map(({ node }) => `${node.slug} (${node.status}, ${node.startDate}–${node.endDate})`);
}
