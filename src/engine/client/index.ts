export {type EngineAddress, EngineClient, type EngineResponse, type RequestOpts, demuxLogs} from './engine-client.js';
export {EngineApiError, isNotFound, unlessNotFound} from './errors.js';
export type * from './types.js';
