/**
 * Monaco, loaded on first use (it is most of the renderer's weight), with its web workers bundled
 * locally: nothing comes from a CDN. Also: Lathe's editor themes and a TOML grammar (Monaco has none).
 */
import * as monaco from 'monaco-editor';
import { z } from 'zod';
import { keybindingsSchema, settingsSchema } from '../../src-main/common/settings-schema';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import CssWorker from 'monaco-editor/language/css/css.worker?worker';
import HtmlWorker from 'monaco-editor/language/html/html.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';

self.MonacoEnvironment = {
  getWorker(_id: string, label: string): Worker {
    switch (label) {
      case 'json':
        return new JsonWorker();
      case 'css':
      case 'scss':
      case 'less':
        return new CssWorker();
      case 'html':
      case 'handlebars':
      case 'razor':
        return new HtmlWorker();
      case 'typescript':
      case 'javascript':
        return new TsWorker();
      default:
        return new EditorWorker();
    }
  },
};

monaco.languages.register({ id: 'toml', extensions: ['.toml'], aliases: ['TOML', 'toml'], filenames: ['Pipfile', 'poetry.lock', 'Cargo.lock'] });
monaco.languages.setMonarchTokensProvider('toml', {
  tokenizer: {
    root: [
      [/^\s*\[\[?[^\]]*\]\]?/, 'type'],
      [/#.*$/, 'comment'],
      [/[A-Za-z0-9_\-.]+(?=\s*=)/, 'key'],
      [/"""/, { token: 'string', next: '@mlstring' }],
      [/'''/, { token: 'string', next: '@mlliteral' }],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/'[^']*'/, 'string'],
      [/\b(true|false)\b/, 'keyword'],
      [/\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/, 'number'],
      [/[+-]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*(\.[\d_]+)?([eE][+-]?\d+)?|inf|nan)/, 'number'],
    ],
    mlstring: [
      [/"""/, { token: 'string', next: '@pop' }],
      [/./, 'string'],
    ],
    mlliteral: [
      [/'''/, { token: 'string', next: '@pop' }],
      [/./, 'string'],
    ],
  },
});
monaco.languages.setLanguageConfiguration('toml', {
  comments: { lineComment: '#' },
  brackets: [
    ['[', ']'],
    ['{', '}'],
  ],
  autoClosingPairs: [
    { open: '[', close: ']' },
    { open: '{', close: '}' },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
  ],
});

// The user's settings files get completion, hovers and validation from the same schemas the core applies.
monaco.json.jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: true,
  trailingCommas: 'warning',
  enableSchemaRequest: false,
  schemas: [
    { uri: 'lathe://schemas/settings.json', fileMatch: ['lathe-user:/settings.json'], schema: z.toJSONSchema(settingsSchema, { io: 'input' }) as never },
    { uri: 'lathe://schemas/keybindings.json', fileMatch: ['lathe-user:/keybindings.json'], schema: z.toJSONSchema(keybindingsSchema, { io: 'input' }) as never },
  ],
});

monaco.editor.defineTheme('lathe-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'key', foreground: '9CDCFE' }],
  colors: { 'editor.background': '#1b1d23', 'editorGutter.background': '#1b1d23', 'editor.lineHighlightBackground': '#23262e' },
});
monaco.editor.defineTheme('lathe-light', {
  base: 'vs',
  inherit: true,
  rules: [{ token: 'key', foreground: '0451A5' }],
  colors: { 'editor.background': '#ffffff', 'editor.lineHighlightBackground': '#f3f5f8' },
});

export { monaco };
export type Monaco = typeof monaco;
