// Jest settings as @grafana/create-plugin sets them: swc transforms, jsdom, and Grafana's
// ESM-only dependencies transformed too.
const path = require('path');

// Packages that ship only ES modules and so must go through the transform.
const esModules = [
  '@grafana/schema',
  '@grafana/plugin-ui',
  '@wojtekmaj/date-utils',
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'delaunator',
  'robust-predicates',
  'get-user-locale',
  'marked',
  'memoize',
  'mimic-function',
  'ol',
  'react-calendar',
  'react-colorful',
  'rxjs',
  'uuid',
  'monaco-promql',
  'lodash-es',
];

module.exports = {
  moduleNameMapper: {
    '\\.(css|scss|sass)$': 'identity-obj-proxy',
    'react-inlinesvg': path.resolve(__dirname, 'jest', 'mocks', 'react-inlinesvg.tsx'),
  },
  modulePaths: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/jest-setup.js'],
  testEnvironment: 'jest-environment-jsdom',
  // Grafana's components render slowly in jsdom on a busy two-core machine.
  testTimeout: 30000,
  testMatch: ['<rootDir>/src/**/*.{test,spec}.{ts,tsx}'],
  transform: {
    '^.+\\.(t|j)sx?$|^.+\\.mjs$': [
      '@swc/jest',
      {
        sourceMaps: 'inline',
        jsc: { parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true } },
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!.*(${esModules.join('|')})/.*)`],
  watchPathIgnorePatterns: ['<rootDir>/node_modules'],
};
