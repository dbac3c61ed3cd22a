// No tests: reports the extension host's activation marks for one more sample of the activation time
// (the harness opens the example this way a few times and takes the median).
import { activationTimes, extension, report, waitFor } from '../shared';

export async function run(): Promise<void> {
  const ext = extension();
  await waitFor('the extension did not activate', () => ext.isActive);
  const times = activationTimes();
  if (!times) throw new Error('the extension host recorded no activation marks for the extension');
  report('activation', times);
}
