import { CommandRegistry } from './registry';

/** The app's one command registry. Features register their commands at start-up. */
export const commands = new CommandRegistry();
