/**
 * Reloading into the new build when the server says this tab's protocol is outdated. The
 * service worker serves the shell of the version that controls the page, and keeps the
 * previous one on purpose; so first ask it to fetch the new version and wait until that one is
 * active (or a while has passed), then reload.
 */
import { readTabSetting, writeTabSetting } from '../../lib/device-storage.js';
import { decideOutdatedAction } from './handshake-refusal.js';

const RELOADED_AT_KEY = 'fair.reloadedForUpdateAt';
/** Chromium's registration.update() alone can take seconds on a busy machine. */
const SERVICE_WORKER_UPDATE_TIMEOUT_MS = 20_000;

/** Resolves once the worker being installed is active (or replaced); at once if none is. */
function untilActive(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.resolve();
  return new Promise((resolve) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated' || worker.state === 'redundant') resolve();
    });
  });
}

async function fetchNewServiceWorker(): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration();
  if (!registration) return;
  await registration.update();
  await untilActive(registration);
}

/** Fetches the new build's service worker, then reloads; remembers when, for the loop guard. */
export async function reloadIntoNewBuild(): Promise<void> {
  writeTabSetting(RELOADED_AT_KEY, String(Date.now()));
  try {
    await Promise.race([fetchNewServiceWorker(), new Promise((resolve) => setTimeout(resolve, SERVICE_WORKER_UPDATE_TIMEOUT_MS))]);
  } catch {
    // No update to be had (offline, no worker): the reload still asks the server for the page.
  }
  location.reload();
}

/** Text typed in a field and not sent yet (a chat draft, a report): a reload would lose it. */
function hasTypedText(): boolean {
  return [...document.querySelectorAll('textarea')].some((field) => field.value.trim() !== '');
}

/**
 * 'reload' unless this tab reloaded for a new build within the last minute, or the member is
 * in the middle of writing something: then ask them.
 */
export function outdatedAction(): 'reload' | 'ask' {
  const stored = Number(readTabSetting(RELOADED_AT_KEY));
  return decideOutdatedAction(stored > 0 ? stored : null, Date.now(), hasTypedText());
}
