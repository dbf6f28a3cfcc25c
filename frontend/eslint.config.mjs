import baseConfig from './.config/eslint.config.mjs';

export default [
  {
    ignores: ['**/node_modules/', '**/coverage/', '**/dist/', '**/.eslintcache', '.config/jest/mocks/'],
  },
  ...baseConfig,
];
