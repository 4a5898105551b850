// Type-aware lint: `npm run lint`.
import { existsSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-check/**',
      'node_modules/**',
      '.mandate-test-*/**',
      'coverage/**',
      'src/scope/_*_parser.*',
      'src/server/console/_*_bundle.js',
      'scripts/**',
      '*.config.*',
      'bench/**/*.mjs',
      // The Claude Agent SDK's test workspace is linted once its SDK is installed
      // (`npm ci --prefix test/adapters/claude-agent-sdk`, as .ci/run does): without it, its
      // imports have no types.
      ...(existsSync(new URL('test/adapters/claude-agent-sdk/node_modules', import.meta.url))
        ? []
        : ['test/adapters/claude-agent-sdk/**']),
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
);
