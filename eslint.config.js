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
 * `x as unknown as T` tells the compiler to stop checking: whatever x is, call it T. In shipped code
 * the type can always be earned instead (a generic over the schema, a narrowing check, a parse at
 * the edge), and a wrong double cast fails only in production. Tests are exempt: a test fake that
 * implements one method of an interface, cast to the interface, is a deliberate partial object
 * whose other methods the test proves are never called.
 */
const NO_DOUBLE_CAST = {
  selector: 'TSAsExpression > TSAsExpression.expression > TSUnknownKeyword.typeAnnotation',
  message:
    'No `as unknown as` outside tests: earn the type (a generic, a type guard, a zod parse) instead of asserting it.',
};

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
    // Shipped code (the rule options replace, not extend, the block above: restate NO_EXPORT_ALL).
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: TESTS,
    rules: {
      'no-restricted-syntax': ['error', NO_EXPORT_ALL, NO_DOUBLE_CAST],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', ...TESTS],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [KYSELY_ELSEWHERE] }],
      // A Kysely handle passed along (tx.db) still builds no query outside the store.
      'no-restricted-syntax': ['error', NO_EXPORT_ALL, NO_QUERY_BUILDING, NO_DOUBLE_CAST],
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
