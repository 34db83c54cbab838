import 'reflect-metadata';
import { benchAudit } from './audit.bench.js';
import { benchBulletin } from './bulletin.bench.js';
import { benchClose } from './close.bench.js';
import { benchHttpEvents } from './http-events.bench.js';
import { benchImport } from './import.bench.js';
import { benchMachine } from './machine.bench.js';
import { benchMerkle } from './merkle.bench.js';
import { benchScoring } from './scoring.bench.js';
import { benchScoringPure } from './scoring-pure.bench.js';
import { benchSweep } from './sweep.bench.js';

/**
 * `npm run bench [-- section…]`: prints figures, each beside a baseline measured in the same run.
 * Sections: http, sweep, audit, scoring, scoring-pure, import, machine, bulletin, merkle, close. Nothing here asserts on time; the figures are for people.
 */
const SECTIONS: Record<string, () => Promise<void>> = {
  http: benchHttpEvents,
  audit: benchAudit,
  sweep: benchSweep,
  import: benchImport,
  machine: benchMachine,
  scoring: benchScoring,
  'scoring-pure': benchScoringPure,
  bulletin: benchBulletin,
  merkle: benchMerkle,
  close: benchClose,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(SECTIONS);
  const unknown = names.filter((n) => !SECTIONS[n]);
  if (unknown.length) {
    console.error(`unknown section(s): ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
  console.log(`Duban benchmark — node ${process.version}, ${new Date().toISOString()}`);
  for (const n of names) await SECTIONS[n]();
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
