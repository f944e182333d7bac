/**
 * The command registry: every action in Lathe is a command with an id and a title, reachable from the
 * command palette and from a key. Later features register their commands here.
 * Keybindings = defaults declared with the command, then the user's keybindings.json on top
 * (`"-command"` removes a default).
 */
import type { Keybinding } from '../../src-main/common/settings-defaults';
import { normalizeChord } from './keys';

export interface Command {
  readonly id: string;
  readonly title: string;
  readonly category?: string;
  /** Default keys; the user's keybindings.json may add or remove. */
  readonly keys?: readonly string[];
  /** Whether the command applies now (e.g. needs an open project); unavailable commands don't run. */
  readonly when?: () => boolean;
  /** Hidden from the palette (e.g. only meaningful by key). */
  readonly hidden?: boolean;
  run(): void | Promise<void>;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Command>();
  private userBindings: readonly Keybinding[] = [];
  private byChord = new Map<string, string[]>();
  private listeners = new Set<() => void>();

  register(command: Command): () => void {
    if (this.commands.has(command.id)) throw new Error(`command ${command.id} registered twice`);
    this.commands.set(command.id, command);
    this.rebuild();
    return () => {
      this.commands.delete(command.id);
      this.rebuild();
    };
  }

  setUserKeybindings(bindings: readonly Keybinding[]): void {
    this.userBindings = bindings;
    this.rebuild();
  }

  get(id: string): Command | undefined {
    return this.commands.get(id);
  }

  all(): Command[] {
    return [...this.commands.values()];
  }

  /** Every chord bound to a command, defaults first, user's additions after. */
  keysFor(id: string): string[] {
    const out: string[] = [];
    for (const [chord, ids] of this.byChord) if (ids.includes(id)) out.push(chord);
    return out;
  }

  /** The command a chord runs now, if any (user bindings win over defaults, the first applicable wins). */
  resolve(chord: string): Command | undefined {
    for (const id of this.byChord.get(chord) ?? []) {
      const command = this.commands.get(id);
      if (command && (command.when?.() ?? true)) return command;
    }
    return undefined;
  }

  async run(id: string): Promise<boolean> {
    const command = this.commands.get(id);
    if (!command || !(command.when?.() ?? true)) return false;
    await command.run();
    return true;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private rebuild(): void {
    const map = new Map<string, string[]>();
    const add = (chord: string, id: string, first: boolean) => {
      const key = normalizeChord(chord);
      const ids = map.get(key) ?? [];
      if (ids.includes(id)) return;
      if (first) ids.unshift(id);
      else ids.push(id);
      map.set(key, ids);
    };
    const removed = new Set(
      this.userBindings.filter((b) => b.command.startsWith('-')).map((b) => `${normalizeChord(b.key)} ${b.command.slice(1)}`),
    );
    for (const command of this.commands.values()) {
      for (const key of command.keys ?? []) {
        if (!removed.has(`${normalizeChord(key)} ${command.id}`)) add(key, command.id, false);
      }
    }
    for (const binding of this.userBindings) {
      if (!binding.command.startsWith('-')) add(binding.key, binding.command, true);
    }
    this.byChord = map;
    for (const l of this.listeners) l();
  }
}
