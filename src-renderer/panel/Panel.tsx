import { useEffect, useRef, useState } from 'react';
import { SessionActions, SessionTabs, TerminalPane } from '../terminal/TerminalPane';
import { setApp, useApp, type PanelTab } from '../state/store';
import { Icon } from '../ui/icons';
import { VariablesActions, VariablesView } from '../variables/VariablesView';
import { HistoryView } from '../sessions/HistoryView';
import { GradientsView } from '../gradients/GradientsView';

const TABS: readonly { id: PanelTab; label: string }[] = [
  { id: 'terminal', label: 'Terminal' },
  { id: 'variables', label: 'Variables' },
  { id: 'history', label: 'History' },
  { id: 'gradients', label: 'Gradients' },
  { id: 'output', label: 'Output' },
];

/**
 * The bottom panel: the Python sessions' terminal, their variables, their run history (wall times,
 * profiles), their gradients (`lathe.watch`), and Output (every message Lathe posted). The terminal
 * stays mounted behind the other tabs once shown, so switching back is instant.
 */
export function Panel() {
  const tab = useApp((s) => s.panelTab);
  const [terminalShown, setTerminalShown] = useState(tab === 'terminal');
  useEffect(() => {
    if (tab === 'terminal') setTerminalShown(true);
  }, [tab]);
  return (
    <section className="panel" aria-label="Panel">
      <div className="panel-tabs">
        <div role="tablist" aria-label="Panel views" className="panel-tab-list">
          {TABS.map((t) => (
            <button
              key={t.id}
              role="tab"
              id={`panel-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`panel-body-${t.id}`}
              className={`panel-tab ${tab === t.id ? 'active' : ''}`}
              onClick={() => setApp({ panelTab: t.id })}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab !== 'output' && <SessionTabs />}
        <div className="spacer" />
        {tab === 'terminal' && <SessionActions />}
        {tab === 'variables' && <VariablesActions />}
        {tab === 'output' && (
          <button className="icon-button" title="Clear output" aria-label="Clear output" onClick={() => setApp({ messages: [] })}>
            <Icon name="clear" size={16} />
          </button>
        )}
        <button
          className="icon-button"
          title="Close panel"
          aria-label="Close panel"
          onClick={() => setApp((s) => ({ layout: { ...s.layout, panelVisible: false } }))}
        >
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="panel-page" role="tabpanel" id="panel-body-terminal" aria-labelledby="panel-tab-terminal" hidden={tab !== 'terminal'}>
        {terminalShown && <TerminalPane visible={tab === 'terminal'} />}
      </div>
      <div className="panel-page" role="tabpanel" id="panel-body-variables" aria-labelledby="panel-tab-variables" hidden={tab !== 'variables'}>
        {tab === 'variables' && <VariablesView />}
      </div>
      <div className="panel-page" role="tabpanel" id="panel-body-history" aria-labelledby="panel-tab-history" hidden={tab !== 'history'}>
        {tab === 'history' && <HistoryView />}
      </div>
      <div className="panel-page" role="tabpanel" id="panel-body-gradients" aria-labelledby="panel-tab-gradients" hidden={tab !== 'gradients'}>
        {tab === 'gradients' && <GradientsView />}
      </div>
      <OutputLog hidden={tab !== 'output'} />
    </section>
  );
}

function OutputLog({ hidden }: { hidden: boolean }) {
  const messages = useApp((s) => s.messages);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!hidden) end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length, hidden]);
  return (
    <div className="panel-body output-log" role="log" aria-live="polite" tabIndex={0} id="panel-body-output" hidden={hidden}>
      {messages.length === 0 && <div className="empty-state small">Nothing yet. Saves, errors and other messages from Lathe appear here.</div>}
      {messages.map((m) => (
        <div key={m.id} className={`log-line ${m.level}`}>
          <time>{new Date(m.at).toLocaleTimeString()}</time> <span className="log-level">{m.level}</span> {m.text}
        </div>
      ))}
      <div ref={end} />
    </div>
  );
}
