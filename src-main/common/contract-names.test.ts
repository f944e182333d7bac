import { describe, expect, it } from 'vitest';
import * as contract from './contract';
import { eventNameList, ipcChannel, isKnownEventName, methodNameList } from './contract-names';

describe('contract-names', () => {
  it('lists exactly the contract methods and events', () => {
    expect([...methodNameList].sort()).toEqual([...contract.methodNames].sort());
    expect([...eventNameList].sort()).toEqual([...contract.eventNames].sort());
    expect(new Set(methodNameList).size).toBe(methodNameList.length);
    expect(new Set(eventNameList).size).toBe(eventNameList.length);
  });

  it('makes the same channels as the contract', () => {
    for (const name of [...methodNameList, ...eventNameList]) {
      expect(ipcChannel(name)).toBe(contract.ipcChannel(name));
      expect(ipcChannel(name)).toBe(`lathe:${name}`);
    }
  });

  it('recognises known event names only', () => {
    for (const name of eventNameList) expect(isKnownEventName(name)).toBe(true);
    expect(isKnownEventName('app.info')).toBe(false);
    expect(isKnownEventName('toString')).toBe(false);
    expect(isKnownEventName(42)).toBe(false);
  });
});
