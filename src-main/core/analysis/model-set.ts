/**
 * Which installed models an analysis runs with. Project models are preferred; reference
 * (third-party, comparison-only) models are used only when nothing else of that task is
 * installed, or when named explicitly. A model that fails to load is named in `missing`.
 */
import type { ModelTask } from '../../../src-shared/domain/models';
import { AppError } from '../../../src-shared/result';
import type { PipelineModels } from './pipeline';
import type { LoadedModel, ModelEntry, ModelRegistry } from './registry';

/** Explicit model ids per role (omitted → automatic choice). */
export interface ModelSelection {
  detector?: string | null;
  faceClassifiers?: string[];
  imageModels?: string[];
}

const isReference = (e: ModelEntry) => e.manifest.provenance?.reference === true || e.manifest.id.startsWith('ref-');

function pick(entries: ModelEntry[]): ModelEntry[] {
  const own = entries.filter((e) => !isReference(e));
  return own.length ? own : entries;
}

const WHAT: Record<ModelTask, string> = {
  'face-detection': 'face detector',
  'face-manipulation': 'face-manipulation model',
  'generated-image': 'generated-image model',
};

/** Load the models for one analysis; missing or broken ones are described, not thrown. */
export async function resolveModels(registry: ModelRegistry, sel: ModelSelection = {}): Promise<PipelineModels> {
  const missing: string[] = [];
  const load = async (ids: string[], task: ModelTask): Promise<LoadedModel[]> => {
    const out: LoadedModel[] = [];
    for (const id of ids) {
      try {
        const m = await registry.get(id);
        if (m.manifest.task !== task) throw new AppError('MODEL_INVALID', `Model '${id}' is a ${m.manifest.task} model, not a ${WHAT[task]}.`);
        out.push(m);
      } catch (e) {
        missing.push(e instanceof Error ? e.message : String(e));
      }
    }
    return out;
  };
  const auto = (task: ModelTask) => pick(registry.byTask(task)).map((e) => e.manifest.id);
  const detIds = sel.detector === null ? [] : sel.detector ? [sel.detector] : auto('face-detection').slice(0, 1);
  const clfIds = sel.faceClassifiers ?? auto('face-manipulation');
  const imgIds = sel.imageModels ?? auto('generated-image');
  const [detector] = await load(detIds, 'face-detection');
  const faceClassifiers = await load(clfIds, 'face-manipulation');
  const imageModels = await load(imgIds, 'generated-image');
  const none = (task: ModelTask) => `No ${WHAT[task]} is installed (a models/<id>.json manifest with task '${task}' beside its ONNX file).`;
  if (!detIds.length && sel.detector !== null) missing.push(none('face-detection'));
  if (!clfIds.length) missing.push(none('face-manipulation'));
  if (!imgIds.length && !sel.imageModels) missing.push(none('generated-image'));
  return { detector: detector ?? null, faceClassifiers, imageModels, missing };
}
