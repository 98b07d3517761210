import { channel, event } from './define';
import { zEmpty } from './common';

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  arch: string;
  node: string;
  electron: string | null;
  dataDir: string;
  offline: true;
}

export const appChannels = {
  'app:info': channel<AppInfo>()({
    input: zEmpty,
    access: 'public',
    allowDuringPasswordChange: true,
    description: 'Application name, version, platform and data directory.',
  }),
} as const;

export const appEvents = {
  'session:expired': event<{ reason: 'idle' | 'logout' | 'account-changed' }>('The session ended; the window returns to login.'),
} as const;
