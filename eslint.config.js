// Type-checked lint: the rules that catch real bugs in async, event-handling code
// (floating promises, misused promises, unsafe any) rather than formatting.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // web/src/gql and src/http/graphql/generated are generated (GraphQL Codegen); web/dist is the built pages.
  {
    ignores: [
      'node_modules/',
      '.data/',
      'dist/',
      'coverage/',
      'scripts/*.mjs',
      'eslint.config.js',
      'web/dist/',
      'web/src/gql/',
      'src/http/graphql/generated/',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // web/'s two config files run in Node, outside web/tsconfig.json (the browser's).
        projectService: { allowDefaultProject: ['web/vite.config.ts', 'web/codegen.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
