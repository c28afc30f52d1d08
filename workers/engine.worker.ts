/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { registerErrorTransfer } from '../src/engine/error-transfer';
import { browserEngine } from './engine/browser-engine';
import { EngineHost } from './engine/engine-host';

registerErrorTransfer();
Comlink.expose(new EngineHost(browserEngine));
