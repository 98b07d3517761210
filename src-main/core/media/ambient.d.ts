// ffprobe-static ships no types; it exports the binary's path.
declare module 'ffprobe-static' {
  export const path: string;
}
