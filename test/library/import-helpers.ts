import { eventually } from '../support/eventually';
import { expectOk, type LibraryApi } from './library-api';

export interface ImportJob {
  id: string;
  state: string;
  sourceUrl: string;
  playlistId?: string;
  total?: number;
  processed?: number;
  imported?: number;
  unresolved?: Array<{ sourceId?: string; title: string; reason: string }>;
  error?: { code: string; message: string } | null;
}

/** Waits until the job ends (done or failed) and answers it as its owner reads it. */
export async function settled(api: LibraryApi, token: string, id: string): Promise<ImportJob> {
  let job: ImportJob | undefined;
  await eventually(async () => {
    job = expectOk(await api.call<ImportJob>('getImport', { id }, token));
    return job.state === 'done' || job.state === 'failed';
  }, `import ${id} to end`);
  return job as ImportJob;
}
