/**
 * Schema versions of the store and the steps between them. Each step runs once, in order,
 * before indexes are created; the version reached is recorded in the meta collection.
 */
import type { Store } from './store';

/** The version this build writes. */
export const SCHEMA_VERSION = 1;

export interface Migration {
  from: number;
  to: number;
  description: string;
  run(store: Store): Promise<void>;
}

/** The ordered migration steps. */
export const MIGRATIONS: Migration[] = [
  {
    from: 0,
    to: 1,
    description: 'Stamp an unversioned store; derive the case-insensitive keys older rows lack.',
    async run(store) {
      for (const u of await store.users.ds.find({ usernameKey: { $exists: false } })) {
        const name = String((u as { username?: unknown }).username ?? '');
        await store.users.ds.update({ _id: u._id }, { $set: { usernameKey: name.toLowerCase() } }, {});
      }
      for (const d of await store.detections.ds.find({ fileNameKey: { $exists: false } })) {
        const name = String((d as { fileName?: unknown }).fileName ?? '');
        await store.detections.ds.update({ _id: d._id }, { $set: { fileNameKey: name.toLowerCase() } }, {});
      }
    },
  },
];
