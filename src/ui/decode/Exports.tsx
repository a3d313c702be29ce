// The decoded rows as files: CSV and JSON with their context, EDF+ annotations alone, or the recording with the
// predictions added as annotations; de-identified files carry no patient fields, start date or time.
import { useState } from 'react';
import type { ExportKind, WorkerApi } from '../../worker/api';
import { download, errorText } from '../format';
import type { Comlink } from '../workerClient';
import type { DecodeResults } from './useDecodeSession';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly results: DecodeResults;
  /** Whether the decoded recording is the open one (the annotated copy needs its samples). */
  readonly recordingOpen: boolean;
  readonly onError: (message: string) => void;
}

export function Exports({ api, results, recordingOpen, onError }: Props) {
  const [deidentify, setDeidentify] = useState(true);
  const save = async (kind: ExportKind) => {
    try {
      const file = await api.exportPredictions({ kind, deidentify, rows: results.rows, context: results.context });
      download(file.name, file.blob, file.type);
    } catch (e) {
      onError(errorText(e));
    }
  };
  return (
    <div className="toolbar" role="group" aria-label="Export predictions">
      <button type="button" onClick={() => void save('csv')}>Download CSV</button>
      <button type="button" onClick={() => void save('json')}>Download JSON</button>
      <button type="button" onClick={() => void save('edf')}>Download EDF+ annotations</button>
      <button type="button" onClick={() => void save('edf-recording')} disabled={!recordingOpen} title={recordingOpen ? undefined : 'open the decoded recording again to save it with the predictions'}>
        Download the recording with the predictions (EDF+)
      </button>
      <label><input type="checkbox" checked={deidentify} onChange={(e) => setDeidentify(e.target.checked)} /> de-identify (no patient fields, start date or time)</label>
    </div>
  );
}
