/** Native dialogs as a service, so handlers stay free of 'electron' and tests can answer them. */
export interface DialogService {
  /** Ask the caller's window for files (or folders) to open; [] when cancelled. */
  openFiles(senderId: string, opts: { directories?: boolean }): Promise<string[]>;
  /** Ask for a path to save to; null when cancelled. */
  saveFile(senderId: string, opts: { defaultName: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>;
  /** Show a file in the system's file manager. */
  reveal(filePath: string): Promise<void>;
}
