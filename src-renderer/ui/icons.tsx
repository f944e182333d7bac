/** Small inline SVG icons (no icon font, nothing fetched). */
const EXT_COLORS: Record<string, string> = {
  py: '#3572A5',
  ipynb: '#DA5B0B',
  onnx: '#7F52FF',
  json: '#CBCB41',
  md: '#519ABA',
  yaml: '#CB171E',
  yml: '#CB171E',
  toml: '#9C4221',
  sh: '#89E051',
  ts: '#3178C6',
  tsx: '#3178C6',
  js: '#F1E05A',
  txt: '#8A8F98',
  csv: '#2E9E5B',
  png: '#A074C4',
  jpg: '#A074C4',
};

export function FileIcon({ name, directory, open }: { name: string; directory: boolean; open?: boolean }) {
  if (directory) {
    return (
      <svg className="file-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <path
          d={open ? 'M1.5 3h5l1.5 1.5h6.5v1.5H4L1.5 13z M4 6h11l-2.5 7H1.5z' : 'M1.5 3h5l1.5 1.5h6.5v8.5h-13z'}
          fill="var(--folder)"
        />
      </svg>
    );
  }
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return (
    <svg className="file-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke={EXT_COLORS[ext] ?? 'var(--fg-muted)'} strokeWidth="1.2" />
      <path d="M9.5 1.5v3h3" fill="none" stroke={EXT_COLORS[ext] ?? 'var(--fg-muted)'} strokeWidth="1.2" />
    </svg>
  );
}

export type IconName =
  | 'files'
  | 'settings'
  | 'branch'
  | 'search'
  | 'sun'
  | 'moon'
  | 'new-file'
  | 'new-folder'
  | 'refresh'
  | 'collapse'
  | 'close'
  | 'clear'
  | 'plus'
  | 'stop'
  | 'restart'
  | 'trash'
  | 'python'
  | 'up'
  | 'down';

export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  const paths: Record<typeof name, string> = {
    files: 'M5 2h7l4 4v12H5z M12 2v4h4 M8 6h-4v14h10',
    settings: 'M12 8.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7z M12 2v3 M12 19v3 M2 12h3 M19 12h3 M4.9 4.9l2.1 2.1 M17 17l2.1 2.1 M4.9 19.1 7 17 M17 7l2.1-2.1',
    branch: 'M6 3v12 M18 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M6 21a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M18 9a9 9 0 0 1-9 9',
    search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14z M16 16l5 5',
    sun: 'M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10z M12 1v2 M12 21v2 M1 12h2 M21 12h2',
    moon: 'M20 14A8 8 0 0 1 10 4a8 8 0 1 0 10 10z',
    'new-file': 'M6 3h8l4 4v6 M14 3v4h4 M6 3v18h7 M18 16v6 M15 19h6',
    'new-folder': 'M3 6h6l2 2h10v5 M3 6v13h10 M18 15v6 M15 18h6',
    refresh: 'M20 11a8 8 0 1 0-2.3 5.7 M20 4v7h-7',
    collapse: 'M4 4h16v16H4z M8 12h8',
    close: 'M6 6l12 12 M18 6L6 18',
    clear: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13',
    plus: 'M12 5v14 M5 12h14',
    stop: 'M7 7h10v10H7z',
    restart: 'M4 12a8 8 0 1 0 2.3-5.7 M4 4v6h6',
    trash: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13 M10 11v6 M14 11v6',
    // The Python logo's two snakes, drawn as outlines (each is the other turned half a turn).
    python:
      'M7 9V5a2 2 0 0 1 2-2h5a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-4a2 2 0 0 0-2 2v2H5a2 2 0 0 1-2-2v-3a2 2 0 0 1 2-2h7 M17 15v4a2 2 0 0 1-2 2h-5a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h4a2 2 0 0 0 2-2V8h3a2 2 0 0 1 2 2v3a2 2 0 0 1-2 2h-7 M10 5.5h.01 M14 18.5h.01',
    up: 'M6 15l6-6 6 6',
    down: 'M6 9l6 6 6-6',
  };
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
      <path d={paths[name]} />
    </svg>
  );
}
