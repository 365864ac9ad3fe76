// ESLint flat config: typescript-eslint strict, as STYLE.md asks, plus the architecture (issue 18):
// the pure core imports no I/O and no outer layer, SQL stays in the store, re-exports are named.
// Import cycles are checked by test/architecture/import-cycles.test.ts (type imports included).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** Node modules that reach disks, processes or the network. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'worker_threads',
  'cluster',
].flatMap((name) => [name, `node:${name}`]);

/** Packages that talk to a database, the network or a mail server. */
const IO_PACKAGES = [
  'kysely',
  'fastify',
  'pg',
  'better-sqlite3',
  'nodemailer',
  'pino',
  'undici',
  '@fastify/swagger',
];

const NO_EXPORT_ALL = {
  selector: 'ExportAllDeclaration',
  message: 'Re-export by name (`export { a, b } from ...`) so every public name can be traced.',
};

const NO_QUERY_BUILDING = {
  selector:
    'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]',
  message:
    'SQL lives under src/store/: add a method to a repository there and call it (tx.x / store.repos.x).',
};

const KYSELY_ELSEWHERE = {
  name: 'kysely',
  message: 'SQL lives under src/store/: add a method to a repository there and take the repository instead.',
};

/*
 * Files that still build SQL outside src/store/. TODO(issue 18): move each query into a store
 * repository and delete its line here. delivery/outbox is a storage module of its own (its own table,
 * migration and repository, shared by every feature), so it keeps its Kysely.
 */
const SQL_NOT_YET_IN_STORE = ['src/delivery/outbox/**', 'src/delivery/testkit/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'data/**', '.ratchet/**', 'src/web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      // STYLE.md: every public name is traceable to the file that declares it.
      'no-restricted-syntax': ['error', NO_EXPORT_ALL],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', ...SQL_NOT_YET_IN_STORE, ...TESTS],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [KYSELY_ELSEWHERE] }],
      // A Kysely handle passed along (tx.db) still builds no query outside the store.
      'no-restricted-syntax': ['error', NO_EXPORT_ALL, NO_QUERY_BUILDING],
    },
  },
  {
    // The pure core: parsing, policy, resolution and impact are functions of their input.
    files: ['src/domain/**/*.ts', 'src/python/**/*.ts', 'src/resolver/**/*.ts', 'src/impact/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...IO_MODULES, ...IO_PACKAGES].map((name) => ({
            name,
            message: 'The pure core does no I/O: take the data as an argument and let a workflow fetch it.',
          })),
          patterns: [
            {
              regex: '^(\\.\\./)+(store|api|cli|workflows|delivery|offload|trial|web)(/|$)',
              message: 'The pure core imports no outer layer; the outer layer calls the core.',
            },
            {
              // The package index's data types describe what the resolver reads; its clients fetch.
              regex: '^(\\.\\./)+index/',
              allowTypeImports: true,
              message: 'The pure core may use the index types (import type), never its network clients.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/web/**/*.tsx', 'src/web/**/*.ts'],
    ...reactHooks.configs.flat['recommended-latest'],
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      // useAsync takes a dependency list like useEffect: check the callers' lists the same way.
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^useAsync$' }],
    },
  },
  {
    files: ['bin/**/*.mjs', '*.js', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
