// The views as WAI-ARIA tabs: arrows move between tabs (wrapping), Home and End go to the ends.
export type Tab = 'traces' | 'spectrogram' | 'masks' | 'decode' | 'finetune';

const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'traces', label: 'Traces' },
  { id: 'spectrogram', label: 'Spectrogram' },
  { id: 'masks', label: 'Mask preview' },
  { id: 'decode', label: 'Decode' },
  { id: 'finetune', label: 'Fine-tune' },
];

function tabKeyTarget(key: string, current: number): number | null {
  const n = TABS.length;
  if (key === 'ArrowRight') return (current + 1) % n;
  if (key === 'ArrowLeft') return (current - 1 + n) % n;
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  return null;
}

export function Tabs({ tab, onChoose }: { tab: Tab; onChoose: (tab: Tab) => void }) {
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`tab-${t.id}`}
          type="button"
          role="tab"
          aria-selected={tab === t.id}
          aria-controls="view-panel"
          tabIndex={tab === t.id ? 0 : -1}
          onClick={() => onChoose(t.id)}
          onKeyDown={(e) => {
            const next = tabKeyTarget(e.key, TABS.findIndex((x) => x.id === tab));
            if (next === null) return;
            e.preventDefault();
            onChoose(TABS[next]!.id);
            document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
          }}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
