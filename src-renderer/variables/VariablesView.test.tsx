// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionInfo, VariablesView as View } from '../../src-main/common/contract';
import { ok } from '../../src-main/common/result';
import type { AppBridge } from '../bridge';
import { setBridge } from '../bridge/client';
import { EMPTY_SESSIONS } from '../sessions/model';
import { useSessions } from '../sessions/sessions';
import { VariablesView } from './VariablesView';

const session: SessionInfo = {
  id: 's1',
  name: 'Python 1',
  python: '/usr/bin/python3',
  version: '3.11.2',
  ipython: true,
  cwd: '/p',
  state: 'idle',
  pid: 1,
  currentRun: null,
  queued: 0,
  interruptedAt: null,
  exit: null,
  startedAt: 0,
};

const view = (stale: boolean): View => ({
  stale,
  at: 1,
  snapshot: {
    truncated: false,
    elapsedMs: 1,
    vars: [
      { name: 'x', type: 'int', repr: '41' },
      { name: 'a', type: 'numpy.ndarray', repr: 'array([1., nan])', shape: [2], dtype: 'float64', stats: { min: 1, max: 1, mean: 1, nan: 1, inf: 0, sampled: false } },
      { name: 'model', type: 'torch.nn.Linear', repr: 'Linear(in_features=3, out_features=1)' },
    ],
  },
});

const calls: string[] = [];

beforeEach(() => {
  calls.length = 0;
  setBridge({
    call: async (method: string) => {
      calls.push(method);
      return ok(view(false));
    },
    on: () => () => undefined,
    onConnection: () => () => undefined,
    onBusy: () => () => undefined,
  } as unknown as AppBridge);
});

afterEach(() => {
  cleanup();
  useSessions.setState(EMPTY_SESSIONS);
});

const rowNames = () => screen.getAllByRole('row').slice(1).map((r) => r.getAttribute('data-name'));

describe('VariablesView', () => {
  it('says so when there is no session', () => {
    render(<VariablesView />);
    expect(screen.getByText(/No Python session/)).toBeTruthy();
  });

  it('lists variables with their summaries, asks for a fresh snapshot, sorts and filters', () => {
    useSessions.setState({ ...EMPTY_SESSIONS, sessions: [session], activeId: 's1', variables: new Map([['s1', view(false)]]) });
    render(<VariablesView />);
    expect(calls).toContain('sessions.variables');
    expect(rowNames()).toEqual(['a', 'model', 'x']);
    expect(screen.getByText('1 NaN')).toBeTruthy();
    expect(screen.getByText('2 float64')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: /Type/ }));
    expect(rowNames()).toEqual(['x', 'a', 'model']);
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    expect(rowNames()).toEqual(['x', 'model', 'a']);

    fireEvent.change(screen.getByLabelText('Filter variables'), { target: { value: 'torch' } });
    expect(rowNames()).toEqual(['model']);
    fireEvent.change(screen.getByLabelText('Filter variables'), { target: { value: 'zzz' } });
    expect(screen.getByText(/No variable matches/)).toBeTruthy();
  });

  it('marks values from before a run as stale', () => {
    useSessions.setState({ ...EMPTY_SESSIONS, sessions: [{ ...session, state: 'busy' }], activeId: 's1', variables: new Map([['s1', view(true)]]) });
    const { container } = render(<VariablesView />);
    expect(container.querySelector('.variables-view.stale')).toBeTruthy();
    expect(screen.getByText(/Running… showing the values from before this run/)).toBeTruthy();
  });
});
