/**
 * Modal dialogs as promises: `ask` for a choice, `promptText` for a name. One at a time; Escape cancels,
 * Enter takes the primary button. Rendered by <DialogHost/>.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { create } from 'zustand';

export interface DialogButton {
  readonly id: string;
  readonly label: string;
  readonly primary?: boolean;
  readonly danger?: boolean;
}

interface ChoiceDialog {
  readonly id: number;
  readonly kind: 'choice';
  readonly title: string;
  readonly message: string;
  readonly buttons: readonly DialogButton[];
  readonly resolve: (id: string | null) => void;
}

interface PromptDialog {
  readonly id: number;
  readonly kind: 'prompt';
  readonly title: string;
  readonly message: string;
  readonly value: string;
  readonly placeholder?: string;
  readonly okLabel: string;
  readonly validate?: (value: string) => string | null;
  readonly resolve: (value: string | null) => void;
}

type Dialog = ChoiceDialog | PromptDialog;

let nextDialogId = 1;

const useDialogs = create<{ queue: readonly Dialog[] }>(() => ({ queue: [] }));

function push(d: Omit<ChoiceDialog, 'id'> | Omit<PromptDialog, 'id'>): void {
  const dialog = { ...d, id: nextDialogId++ } as Dialog;
  useDialogs.setState((s) => ({ queue: [...s.queue, dialog] }));
}
function pop(): void {
  useDialogs.setState((s) => ({ queue: s.queue.slice(1) }));
}

export function ask(title: string, message: string, buttons: readonly DialogButton[]): Promise<string | null> {
  return new Promise((resolve) => push({ kind: 'choice', title, message, buttons, resolve }));
}

export function promptText(options: {
  title: string;
  message: string;
  value?: string;
  placeholder?: string;
  okLabel?: string;
  validate?: (value: string) => string | null;
}): Promise<string | null> {
  return new Promise((resolve) =>
    push({
      kind: 'prompt',
      title: options.title,
      message: options.message,
      value: options.value ?? '',
      okLabel: options.okLabel ?? 'OK',
      resolve,
      ...(options.placeholder !== undefined ? { placeholder: options.placeholder } : {}),
      ...(options.validate !== undefined ? { validate: options.validate } : {}),
    }),
  );
}

export function dialogOpen(): boolean {
  return useDialogs.getState().queue.length > 0;
}

/** Keep keyboard focus inside the open dialog: nothing behind it (the editor, the tree) can take it. */
function useFocusTrap(container: RefObject<HTMLElement | null>, fallback: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onFocusIn = (e: FocusEvent) => {
      if (container.current && !container.current.contains(e.target as Node)) fallback.current?.focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => document.removeEventListener('focusin', onFocusIn);
  }, [container, fallback]);
}

export function DialogHost() {
  const dialog = useDialogs((s) => s.queue[0]);
  if (!dialog) return null;
  return (
    <div className="modal-backdrop" role="presentation">
      {/* Keyed by dialog, so a queued dialog never inherits the previous one's typed text. */}
      {dialog.kind === 'choice' ? <Choice key={dialog.id} dialog={dialog} /> : <Prompt key={dialog.id} dialog={dialog} />}
    </div>
  );
}

function Choice({ dialog }: { dialog: ChoiceDialog }) {
  const primaryRef = useRef<HTMLButtonElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  useFocusTrap(boxRef, primaryRef);
  useEffect(() => {
    primaryRef.current?.focus();
  }, [dialog]);
  const close = (id: string | null) => {
    pop();
    dialog.resolve(id);
  };
  return (
    <div
      ref={boxRef}
      className="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="modal-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close(null);
        }
      }}
    >
      <h2 id="modal-title">{dialog.title}</h2>
      <p className="modal-message">{dialog.message}</p>
      <div className="modal-buttons">
        {dialog.buttons.map((b) => (
          <button
            key={b.id}
            ref={b.primary ? primaryRef : undefined}
            className={`btn ${b.primary ? 'btn-primary' : ''} ${b.danger ? 'btn-danger' : ''}`}
            onClick={() => close(b.id)}
          >
            {b.label}
          </button>
        ))}
        <button className="btn" onClick={() => close(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function Prompt({ dialog }: { dialog: PromptDialog }) {
  const [value, setValue] = useState(dialog.value);
  const inputRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusTrap(formRef, inputRef);
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.focus();
    // Select the name without its extension, as file managers do.
    const dot = dialog.value.lastIndexOf('.');
    input.setSelectionRange(0, dot > 0 ? dot : dialog.value.length);
  }, [dialog]);
  const problem = value.trim() === '' ? 'A name is required' : (dialog.validate?.(value) ?? null);
  const close = (v: string | null) => {
    pop();
    dialog.resolve(v);
  };
  return (
    <form
      ref={formRef}
      className="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="modal-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) close(value.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close(null);
        }
      }}
    >
      <h2 id="modal-title">{dialog.title}</h2>
      <label className="modal-message">
        {dialog.message}
        <input
          ref={inputRef}
          className="text-input"
          value={value}
          placeholder={dialog.placeholder}
          spellCheck={false}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={problem !== null}
        />
      </label>
      <div className="modal-problem" aria-live="polite">
        {value !== dialog.value || dialog.value !== '' ? problem : ''}
      </div>
      <div className="modal-buttons">
        <button type="submit" className="btn btn-primary" disabled={problem !== null}>
          {dialog.okLabel}
        </button>
        <button type="button" className="btn" onClick={() => close(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
