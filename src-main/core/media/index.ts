/**
 * Media intake: everything the detectors see passes through here. Plain Node, no Electron.
 *
 * Typical order (the analysis engine's pipeline):
 *   tools = await resolveTools({ ffmpegPath, ffprobePath, env: process.env })
 *   input = await checkInputPath(path, settings.limits)        // re-check renderer paths
 *   id    = await identify(input.path, { tools })              // by content, not the name
 *   info  = await probe(input.path, tools, { limits, identity: id, signal })
 *   hashes = await hashFile(input.path, { signal })            // sha256/sha1/md5, one read
 *   meta  = await readMetadata(input.path, info, { limits })
 *   { frames, sampling } = await extractFrames(input.path, info, tools, { strategy, maxSide, signal, timeoutMs, limits })
 *   await assertUnchanged(input)                                // same file from first byte to last frame
 * Every expected failure is an AppError (UNSUPPORTED_MEDIA, LIMIT_EXCEEDED, NOT_FOUND, IO,
 * FFMPEG_MISSING, CANCELLED, TIMEOUT) with a message an analyst can act on.
 */
export { resolveTools, findOnPath, toolVersion, type ResolvedTools, type ResolveToolsOptions } from './tools';
export { checkInputPath, assertUnchanged, ioError, fmtBytes, type CheckedInput } from './input-path';
export { identify, readHead } from './identify';
export { sniff, extensionOf, isExtensionMismatch, FORMAT_EXTENSIONS, FORMAT_MIME } from './sniff';
export { hashFile, type HashOptions } from './hash';
export { probe, ffprobeJson, checkPixels, orientationDegrees, type ProbeOptions } from './probe';
export { readMetadata, findX264Sei } from './metadata';
export { extractFrames, readFrameIndex, SEEK_TOLERANCE, type ExtractedFrame, type ExtractOptions } from './frames';
export { decodeImage, type DecodedImage } from './image-decode';
export { outputSize, meanAbsDiff } from './frame-pipe';
export { runTool, type RunToolOptions, type RunToolResult } from './run-tool';
export type { FileHashes, MediaIdentity, MediaInfo, MetadataReport, SamplingRecord, SamplingStrategy, ToolInfo } from '../../../src-shared/domain/media';
