import { describe, expect, it } from 'vitest';
import { addEp, droppedWarning, moveEp, removeEp } from './ep-selection';

describe('EP selection', () => {
  it('adds once, removes all but the last, and moves within bounds', () => {
    expect(addEp(['cpu'], 'cuda')).toEqual(['cpu', 'cuda']);
    expect(addEp(['cpu', 'cuda'], 'cuda')).toEqual(['cpu', 'cuda']);
    expect(removeEp(['cuda', 'cpu'], 'cuda')).toEqual(['cpu']);
    expect(removeEp(['cpu'], 'cpu')).toEqual(['cpu']);
    expect(moveEp(['cpu', 'cuda', 'tensorrt'], 2, -1)).toEqual(['cpu', 'tensorrt', 'cuda']);
    expect(moveEp(['cpu', 'cuda'], 1, -5)).toEqual(['cuda', 'cpu']);
    expect(moveEp(['cpu', 'cuda'], 1, 1)).toEqual(['cpu', 'cuda']);
    expect(moveEp(['cpu'], 3, 1)).toEqual(['cpu']);
  });

  it('says which EPs were not used and why', () => {
    expect(droppedWarning([], String)).toBeNull();
    expect(droppedWarning([{ ep: 'cuda', reason: 'libcudart.so.12 not found' }], (e) => e.toUpperCase())).toBe('CUDA was not used: libcudart.so.12 not found');
  });
});
