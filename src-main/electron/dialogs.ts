/** Native dialogs for the DialogService, shown over the calling window. */
import { BrowserWindow, dialog, shell, webContents } from 'electron';
import type { DialogService } from '../core/dialogs';

function windowFor(senderId: string): BrowserWindow | null {
  const m = /^win:(\d+)$/.exec(senderId);
  if (!m) return null;
  const contents = webContents.fromId(Number(m[1]));
  return contents ? BrowserWindow.fromWebContents(contents) : null;
}

export const electronDialogs: DialogService = {
  async openFiles(senderId, opts) {
    const win = windowFor(senderId);
    const options: Electron.OpenDialogOptions = {
      title: 'Choose media to analyse',
      properties: opts.directories ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
    };
    const res = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return res.canceled ? [] : res.filePaths;
  },
  async saveFile(senderId, opts) {
    const win = windowFor(senderId);
    const options: Electron.SaveDialogOptions = { defaultPath: opts.defaultName, filters: opts.filters };
    const res = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return res.canceled || !res.filePath ? null : res.filePath;
  },
  async reveal(filePath) {
    shell.showItemInFolder(filePath);
  },
};
