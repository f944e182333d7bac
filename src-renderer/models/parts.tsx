/** Small pieces the model view's sub-views share: elapsed time, error boxes, a collapsible section. */
import { useEffect, useState, type ReactNode } from 'react';
import { formatMs } from './format';

/** Seconds since `since`, ticking while shown. */
export function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, []);
  return <span className="mv-elapsed">{formatMs(Math.max(0, now - since))}</span>;
}

const HEADLINES: Readonly<Record<string, string>> = {
  INPUT_INVALID: "The inputs don't fit the model",
  EP_UNAVAILABLE: 'An execution provider could not be used',
  MODEL_RUN_FAILED: 'The model failed to run',
  MODEL_INVALID: 'The model could not be read',
  RUNNER_DIED: 'The ONNX runner stopped',
  CANCELLED: 'Cancelled',
  NOT_FOUND: 'The file is not there',
};

/** A failure from the core, in plain words: a headline for the code, then the core's message. */
export function ErrorBox({ code, message, children, testid }: { code: string; message: string; children?: ReactNode; testid?: string }) {
  return (
    <div className="mv-error-box" role="alert" data-code={code} data-testid={testid}>
      <strong>{HEADLINES[code] ?? 'Something went wrong'}</strong>
      <span className="mv-error-message">{message}</span>
      {code === 'RUNNER_DIED' && <span className="muted">It restarts by itself: try again.</span>}
      {children}
    </div>
  );
}

export function Section({ title, children, actions, testid }: { title: string; children: ReactNode; actions?: ReactNode; testid?: string }) {
  return (
    <section className="mv-section" data-testid={testid}>
      <header className="mv-section-header">
        <h3>{title}</h3>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** A number field that keeps what is being typed and reports numbers (NaN while it is not one). */
export function NumberField({
  value,
  onChange,
  label,
  min,
  step,
  width,
  disabled,
  testid,
}: {
  value: number;
  onChange: (v: number) => void;
  label: string;
  min?: number;
  step?: number | 'any';
  width?: number;
  disabled?: boolean;
  testid?: string;
}) {
  const [text, setText] = useState(Number.isFinite(value) ? String(value) : '');
  // Follow outside changes (a preset, a reset) unless they are what is typed.
  useEffect(() => {
    setText((t) => (Number(t) === value && t.trim() !== '' ? t : Number.isFinite(value) ? String(value) : t));
  }, [value]);
  return (
    <input
      className="text-input mv-number"
      type="number"
      aria-label={label}
      title={label}
      value={text}
      min={min}
      step={step ?? 'any'}
      disabled={disabled}
      data-testid={testid}
      style={width ? { width } : undefined}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.trim() === '' ? NaN : Number(e.target.value));
      }}
    />
  );
}
