import { useEffect, useRef } from 'react';
import { setApp, useApp } from '../state/store';
import { Icon } from '../ui/icons';

/** The bottom panel. Output lists every message Lathe posted; later issues add Terminal, Variables, Profiler. */
export function Panel() {
  const messages = useApp((s) => s.messages);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length]);
  return (
    <section className="panel" aria-label="Panel">
      <div className="panel-tabs" role="tablist">
        <button role="tab" aria-selected="true" className="panel-tab active">
          Output
        </button>
        <div className="spacer" />
        <button className="icon-button" title="Clear output" aria-label="Clear output" onClick={() => setApp({ messages: [] })}>
          <Icon name="clear" size={16} />
        </button>
        <button
          className="icon-button"
          title="Close panel"
          aria-label="Close panel"
          onClick={() => setApp((s) => ({ layout: { ...s.layout, panelVisible: false } }))}
        >
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="panel-body output-log" role="log" aria-live="polite" tabIndex={0}>
        {messages.length === 0 && <div className="empty-state small">Nothing yet. Saves, errors and other messages from Lathe appear here.</div>}
        {messages.map((m) => (
          <div key={m.id} className={`log-line ${m.level}`}>
            <time>{new Date(m.at).toLocaleTimeString()}</time> <span className="log-level">{m.level}</span> {m.text}
          </div>
        ))}
        <div ref={end} />
      </div>
    </section>
  );
}
