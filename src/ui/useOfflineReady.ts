// True once a service worker controls the page: the app shell, wasm binaries, bundled model and demo recording are
// then cached and the whole demo works with the network off. (The service worker exists only in the built app.)
import { useEffect, useState } from 'react';

export function useOfflineReady(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const sw = navigator.serviceWorker;
    if (!sw) return;
    const check = () => setReady(!!sw.controller);
    check();
    void sw.ready.then(check);
    sw.addEventListener('controllerchange', check);
    return () => sw.removeEventListener('controllerchange', check);
  }, []);
  return ready;
}
