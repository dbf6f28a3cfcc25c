// What Grafana provides to every plugin at run time (SystemJS modules under these names);
// the bundle imports them instead of carrying its own copy.
import type { Configuration, ExternalItemFunctionData } from 'webpack';

export const externals: Configuration['externals'] = [
  // The AMD loader's own module object, for the public path.
  { 'amd-module': 'module' },
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
  // Legacy "grafana/..." imports map to Grafana's own module names.
  ({ request }: ExternalItemFunctionData, callback: (error?: Error, result?: string) => void) => {
    if (request && request.startsWith('grafana/')) {
      return callback(undefined, request.slice('grafana/'.length));
    }
    callback();
  },
];
