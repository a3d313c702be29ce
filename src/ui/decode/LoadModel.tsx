// Another model for decoding: the fine-tuned one saved in this browser, the bundled demo, or files (a bundle, or a
// bare SpecMoE state dict with the task it was trained for).
import { useState } from 'react';
import { BUILTIN_TASKS, type ModelSummary, type NamedBytes, type WorkerApi } from '../../worker/api';
import { errorText } from '../format';
import type { Comlink } from '../workerClient';

export type ModelSource = { kind: 'files'; files: NamedBytes[]; taskId?: string } | { kind: 'saved' } | { kind: 'bundled' };

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly onModelLoaded: (summary: ModelSummary, source: ModelSource) => void;
  readonly onError: (message: string) => void;
}

export function LoadModel({ api, onModelLoaded, onError }: Props) {
  const [taskForFiles, setTaskForFiles] = useState('');
  const loadFiles = async (list: FileList | null) => {
    if (!list?.length) return;
    try {
      const files = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      const taskId = taskForFiles || undefined;
      onModelLoaded(await api.loadModel(files, taskId), { kind: 'files', files, ...(taskId ? { taskId } : {}) });
    } catch (e) {
      onError(`The model could not be loaded: ${errorText(e)}`);
    }
  };
  const useStored = async (kind: 'saved' | 'bundled') => {
    try {
      const loaded = kind === 'saved' ? await api.loadSavedModel() : await api.loadBundledModel();
      if (!loaded) onError('No fine-tuned model is saved in this browser (train one in the Fine-tune tab, then "Save head").');
      else onModelLoaded(loaded, { kind });
    } catch (e) {
      onError(`The model could not be loaded: ${errorText(e)}`);
    }
  };
  return (
    <details className="load-model">
      <summary>Load another model</summary>
      <div className="toolbar">
        <button type="button" onClick={() => void useStored('saved')}>Use the fine-tuned model saved in this browser</button>
        <button type="button" onClick={() => void useStored('bundled')}>Use the bundled demo model</button>
      </div>
      <p>A bundle (bundle.json with its .safetensors files), or one SpecMoE .safetensors / .pth state dict with its task.</p>
      <label>
        Task for a bare state dict <select value={taskForFiles} onChange={(e) => setTaskForFiles(e.target.value)}>
          <option value="">(from the bundle)</option>
          {BUILTIN_TASKS.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      <label>
        Model files <input type="file" multiple accept=".json,.safetensors,.pth" onChange={(e) => void loadFiles(e.target.files)} />
      </label>
    </details>
  );
}
