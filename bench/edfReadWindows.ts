// Child process of the edf bench: opens one recording and decodes every channel to physical float32, window by
// window as the app does; prints timings and memory as JSON. Run in its own process so its peak RSS is its own.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { fileSource } from '../src/cli/files';
import { openRecording } from '../src/io/open';
import { blobSource } from '../src/io/sources';

const [path, sourceKind, windowSecText, repeatsText] = process.argv.slice(2);
const windowSec = Number(windowSecText);
const rssMB = () => process.memoryUsage.rss() / 2 ** 20;
const baselineRssMB = rssMB();
const runs: { openSec: number; readSec: number }[] = [];
let samples = 0;
for (let run = 0; run < Number(repeatsText); run++) {
  const source = sourceKind === 'blob' ? blobSource(await openAsBlob(path!), basename(path!)) : await fileSource(path!);
  const t0 = performance.now();
  const recording = await openRecording(source);
  const t1 = performance.now();
  const channels = recording.header.channels.map((c) => c.index);
  samples = 0;
  for (let start = 0; start < recording.durationSec; start += windowSec) {
    for (const values of await recording.readChannels(channels, start, windowSec)) samples += values.length;
  }
  runs.push({ openSec: (t1 - t0) / 1000, readSec: (performance.now() - t1) / 1000 });
  await recording.close();
}
console.log(JSON.stringify({ runs, samples, baselineRssMB, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
