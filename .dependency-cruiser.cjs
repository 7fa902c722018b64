/**
 * The layering rules of src/: no import cycle between folders (a folder may import its own files freely), and the
 * engine's model folder a leaf. Run by `npm run check:deps`, which `npm test` and `npm run test:quick` run first.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders form layers: a folder that imports another must not be imported back by it, directly or through others.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: {circular: true},
    },
    {
      name: 'engine-model-is-a-leaf',
      comment: 'src/engine/model holds the types the engine\'s folders exchange: it imports nothing but other model files and node.',
      severity: 'error',
      from: {path: '^src/engine/model/'},
      to: {pathNot: '^src/engine/model/', dependencyTypesNot: ['core']},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '(^|/)(node_modules|dist)/'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {extensions: ['.ts', '.js'], mainFields: ['module', 'main']},
  },
};
