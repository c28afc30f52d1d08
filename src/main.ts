import './platform/frame-guard';
import './ui/global.css';
import { startEngine } from './app/start-engine';

// Benchmarks measure from here: the app's own start, apart from loading its scripts.
performance.mark('decant-start');
// DuckDB starts before the rest of the app (1.4 MB of JS) is loaded: its start is the longest wait
// of a visit, and it overlaps the app's own loading.
const engine = startEngine();
// …and to here: DuckDB started (the encoder's worker is made once it is up).
void engine.ready.then(() => performance.mark('decant-engine-ready')).catch(() => undefined);
import('./mount-app').then(
  ({ mountApp }) => mountApp(engine),
  (e: unknown) => console.error('Decant could not load', e),
);
