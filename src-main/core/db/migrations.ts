/**
 * Schema versions of the store and the steps between them. Each step runs once, in order,
 * before indexes are created; the version reached is recorded in the meta collection.
 */
import type { Store } from './store';

/** The version this build writes. */
export const SCHEMA_VERSION = 1;

/** The collections of a store. */
export type CollectionName = 'users' | 'detections' | 'reports' | 'meta';

type Doc = Record<string, unknown>;

export interface Migration {
  from: number;
  to: number;
  description: string;
  /**
   * What this step makes of one stored document (pure; omitted when the step changes no
   * document). The loader validates a document of an older store as it will be once migrated.
   */
  upgradeDoc?(collection: CollectionName, doc: Doc): Doc;
  run(store: Store): Promise<void>;
}

/** Derive a lower-cased key from a name field when the document lacks it (schema 0 → 1). */
function withKey(doc: Doc, from: string, key: string): Doc {
  return doc[key] === undefined ? { ...doc, [key]: String(doc[from] ?? '').toLowerCase() } : doc;
}

/** The ordered migration steps. */
export const MIGRATIONS: Migration[] = [
  {
    from: 0,
    to: 1,
    description: 'Stamp an unversioned store; derive the case-insensitive keys older rows lack.',
    upgradeDoc(collection, doc) {
      if (collection === 'users') return withKey(doc, 'username', 'usernameKey');
      if (collection === 'detections') return withKey(doc, 'fileName', 'fileNameKey');
      return doc;
    },
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

/** A stored document as the migrations from `version` up to this build's will leave it. */
export function upgradedDoc(collection: CollectionName, doc: Doc, version: number): Doc {
  let out = doc;
  for (const m of MIGRATIONS) if (m.from >= version && m.to <= SCHEMA_VERSION && m.upgradeDoc) out = m.upgradeDoc(collection, out);
  return out;
}
