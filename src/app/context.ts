/**
 * How components reach the app's parts: App.svelte provides the booted app (src/app/boot.ts)
 * once, and any component below it calls `useCatalog()`, `useJobs()`… during its set-up.
 */
import { createContext } from 'svelte';
import type { DecantApp } from './boot';

const [getApp, setApp] = createContext<DecantApp>();

/** Called once, by the root component, with the app bootApp() made. */
export function provideApp(app: DecantApp): void {
  setApp(app);
}

export const useApp = (): DecantApp => getApp();
export const useRouter = () => getApp().router;
export const useStorageStatus = () => getApp().storageStatus;
export const useEngine = () => getApp().engine;
export const useCatalog = () => getApp().catalog;
export const useClassifiers = () => getApp().classifiers;
export const useJobs = () => getApp().jobs;
export const useJobEditors = () => getApp().jobEditors;
export const useSchedule = () => getApp().schedule;
export const useRuns = () => getApp().runs;
export const useCredentials = () => getApp().credentials;
export const useShare = () => getApp().share;
export const usePackages = () => getApp().packages;
export const useQuality = () => getApp().quality;
