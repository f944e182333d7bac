import { describe, expect, it } from 'vitest';
import { err, ok } from '../../common/result';
import { OutputRouting } from './output-routing';

const data = (id: string) => ({ id, seq: 0, data: 'x' });

describe('OutputRouting', () => {
  it('forwards a session\'s output only to a client with a view attached to it', () => {
    const r = new OutputRouting();
    expect(r.wants('sessions.data', data('s1'))).toBe(false);
    // Other events always go.
    expect(r.wants('sessions.changed', { id: 's1' } as never)).toBe(true);
    r.call('sessions.attach', { id: 's1' })(ok({ viewerId: 'v1', scrollback: '', seq: 0 }));
    expect(r.wants('sessions.data', data('s1'))).toBe(true);
    expect(r.wants('sessions.data', data('s2'))).toBe(false);
    r.call('sessions.detach', { viewerId: 'v1' });
    expect(r.wants('sessions.data', data('s1'))).toBe(false);
  });

  it('forwards from the moment the attach is asked for, so nothing between the snapshot and the answer is missed', () => {
    const r = new OutputRouting();
    const answered = r.call('sessions.attach', { id: 's1' });
    expect(r.wants('sessions.data', data('s1'))).toBe(true);
    answered(err('SESSION_NOT_FOUND', 'gone'));
    expect(r.wants('sessions.data', data('s1'))).toBe(false);
  });

  it('keeps forwarding while any of the client\'s views of the session is attached, renewed views included', () => {
    const r = new OutputRouting();
    r.call('sessions.attach', { id: 's1' })(ok({ viewerId: 'v1' }));
    // The core forgot v1 (the view was too slow): the view attaches again and detaches v2 later; v1 was
    // never detached by the client, so the output keeps coming meanwhile.
    r.call('sessions.attach', { id: 's1' })(ok({ viewerId: 'v2' }));
    r.call('sessions.detach', { viewerId: 'v2' });
    expect(r.wants('sessions.data', data('s1'))).toBe(true);
    r.call('sessions.detach', { viewerId: 'v1' });
    expect(r.wants('sessions.data', data('s1'))).toBe(false);
  });

  it('forgets the views of a removed session', () => {
    const r = new OutputRouting();
    r.call('sessions.attach', { id: 's1' })(ok({ viewerId: 'v1' }));
    expect(r.wants('sessions.removed', { id: 's1' })).toBe(true);
    expect(r.wants('sessions.data', data('s1'))).toBe(false);
  });

  it('ignores malformed calls (the core refuses them)', () => {
    const r = new OutputRouting();
    r.call('sessions.attach', null)(ok({ viewerId: 'v1' }));
    r.call('sessions.attach', { id: 7 })(ok({ viewerId: 'v1' }));
    r.call('sessions.detach', undefined);
    expect(r.wants('sessions.data', data('s1'))).toBe(false);
  });
});
