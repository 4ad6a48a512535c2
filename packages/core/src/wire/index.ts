export * from './constants.js';
export { encodeName, lowerName, readName, skipName } from './name.js';
export { counts, findOpt, layout, rrType, skipQuestions, skipRR, type Layout } from './sections.js';
export { parseRequest, Request, type Edns, type Transport, type WireFault } from './request.js';
export { errorReply, rcodeOf, reply, replyOpt, setId, setRcode, writeOpt, type Answer, type ReplyOptions } from './reply.js';
export { fitReply, truncate } from './fit.js';
export { decrementTtls, minTtl } from './ttl.js';
export { buildQuery } from './query.js';
export { upstreamQuery } from './upstream-query.js';
