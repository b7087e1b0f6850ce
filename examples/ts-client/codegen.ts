// graphql-codegen: typed operations for the portal's queries in src/*.graphql,
// from the committed schema (the SDL the server serves at /schema.graphql).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../graph/schema.snapshot.graphql',
  documents: 'src/*.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: { Date: 'string', Time: 'string', ID: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
      },
    },
  },
};

export default config;
