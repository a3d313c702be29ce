// "Add annotations from file": an EDF+/BDF+ annotation file (a Sleep-EDF hypnogram) or a CSV/TSV table laid over the
// open recording by the worker; what was added (and what lies outside the recording) is said where the button is.
import { useState } from 'react';
import type { AnnotationImport as Imported, WorkerApi } from '../../worker/api';
import { errorText } from '../format';
import type { Comlink } from '../workerClient';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  /** The recording with the annotations added, and the file (kept so a restarted worker can be given it again). */
  readonly onAdded: (result: Imported, file: Blob, name: string) => void;
}

export function AnnotationImport({ api, onAdded }: Props) {
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const add = async (file: File) => {
    setStatus({ text: `Reading ${file.name}…`, error: false });
    try {
      const result = await api.addAnnotations(file, file.name);
      onAdded(result, file, file.name);
      const shift = result.shiftSec !== 0 ? `, shifted by ${result.shiftSec} s to the recording's start` : '';
      const outside = result.outside > 0 ? ` (${result.outside} lie outside the recording)` : '';
      setStatus({ text: `Added ${result.added} annotations from ${file.name}${shift}${outside}.`, error: false });
    } catch (e) {
      setStatus({ text: `Could not add annotations from ${file.name}: ${errorText(e)}`, error: true });
    }
  };
  return (
    <span className="annotation-import">
      <label className="file">
        Add annotations from file
        <input type="file" accept=".edf,.bdf,.gz,.csv,.tsv,.txt,.EDF,.BDF" onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void add(f);
          e.target.value = '';
        }} />
      </label>
      {status && <span role={status.error ? 'alert' : 'status'} data-testid="annotation-import" className={status.error ? 'inline-error' : 'hint'}>{status.text}</span>}
    </span>
  );
}
