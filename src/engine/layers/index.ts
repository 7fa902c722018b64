// Image layers in Docker's overlay2 layout: unpacking layer tars safely, rebuilding them byte
// for byte, and exporting an overlay upper dir as a new layer.
export {applyLayerTar, type AppliedLayer, type ApplyOptions} from './apply.js';
export {assembleLayerTar} from './assemble.js';
export {exportDirectoryDiff} from './export.js';
export {diffSize} from './size.js';
export {sha256OfStream} from './digest.js';
export {layerTarSize} from './tar-split.js';
export {LayerError} from './errors.js';
export type {LayerInput} from './input.js';
