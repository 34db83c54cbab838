// ESLint flat config (typescript-eslint): `npm run lint`, part of `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'coverage/**', 'data/**', '.tmp/**', 'src/dashboard/web/src/api-schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Vue: the correctness rules only; layout is Prettier's business.
  ...vue.configs['flat/essential'],
  {
    // Tests read loosely typed JSON answers.
    files: ['test/**', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { console: 'readonly', process: 'readonly' } },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      // TypeScript checks names itself (typescript-eslint's advice); types and DOM globals would be false alarms.
      'no-undef': 'off',
      // `_`-named bindings are deliberate: a destructuring that drops a key, a parameter kept for its position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Name cleaning and canonical text match NUL and other control characters on purpose.
      'no-control-regex': 'off',
      // Full-width spaces (U+3000) are part of Chinese text and its patterns.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipRegExps: true, skipComments: true }],
      // Dead stores in existing code (a loop's first value, a test's unchecked reply) are harmless; not yet cleaned.
      'no-useless-assignment': 'off',
      'vue/multi-word-component-names': 'off',
    },
  },
);
