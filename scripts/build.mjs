// Bundles the CLI into dist/unest.js (run by `npm ci` through `prepare`), so the bin
// starts without a TypeScript loader. Not a general build system: one entry, one file.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/unest.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifySyntax: true,
  sourcemap: false,
  legalComments: 'none',
  define: { __UNEST_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __unestCreateRequire } from 'node:module'; const require = __unestCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
