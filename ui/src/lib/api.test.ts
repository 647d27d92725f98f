import { describe, it, expect } from 'vitest';
import {
  asAppError,
  createOrgToken,
  deleteToken,
  finishRotation,
  keepAlive,
  renameToken,
  signInPassword,
  signInToken,
  signOut,
  revealKey,
  startRotation,
} from './api';
import { argsOf, fail, mockCommands } from '../test/ipc';

describe('asAppError', () => {
  it('keeps the backend error shape', () => {
    const e = asAppError({ kind: 'rate_limited', message: 'Slow down.', retry_after_s: 30, field: null });
    expect(e).toEqual({ kind: 'rate_limited', message: 'Slow down.', retry_after_s: 30 });
  });
  it('keeps field and token_id', () => {
    expect(asAppError({ kind: 'create_unconfirmed', message: 'm', token_id: 't1' }).token_id).toBe('t1');
    expect(asAppError({ kind: 'invalid_input', message: 'm', field: 'src_ips' }).field).toBe('src_ips');
  });
  it('turns a string or Error into kind internal with a plain message', () => {
    expect(asAppError('command foo not found')).toEqual({ kind: 'internal', message: 'command foo not found' });
    expect(asAppError(new Error('boom'))).toEqual({ kind: 'internal', message: 'boom' });
    expect(asAppError(undefined).kind).toBe('internal');
    expect(asAppError(undefined).message).toMatch(/try again/);
  });
  it('maps an unknown kind to internal but keeps the message', () => {
    expect(asAppError({ kind: 'weird', message: 'hm' })).toEqual({ kind: 'internal', message: 'hm' });
  });
});

describe('command wrappers', () => {
  it('send camelCase argument names', async () => {
    const calls = mockCommands({
      sign_in_password: { status: 'two_factor_required' },
      sign_in_token: null,
      create_org_token: null,
      rename_token: null,
      delete_token: null,
      sign_out: null,
    });
    await signInPassword('global01', 'a@b.c', 'pw');
    await signInToken('tok', true);
    await createOrgToken('o1', 'n', [{ scope: 'org', role: 'read' }], ['10.0.0.0/8']);
    await renameToken('org', 'o1', 't1', 'new');
    await deleteToken('user', null, 't2');
    await signOut(true);
    expect(argsOf(calls, 'sign_in_password')[0]).toEqual({ cloudId: 'global01', email: 'a@b.c', password: 'pw', twoFactor: null });
    expect(argsOf(calls, 'sign_in_token')[0]).toEqual({ token: 'tok', cloudId: null, remember: true });
    expect(argsOf(calls, 'create_org_token')[0]).toEqual({
      orgId: 'o1',
      name: 'n',
      privileges: [{ scope: 'org', role: 'read' }],
      srcIps: ['10.0.0.0/8'],
    });
    expect(argsOf(calls, 'rename_token')[0]).toEqual({ kind: 'org', orgId: 'o1', tokenId: 't1', name: 'new' });
    expect(argsOf(calls, 'delete_token')[0]).toEqual({ kind: 'user', orgId: null, tokenId: 't2' });
    expect(argsOf(calls, 'sign_out')[0]).toEqual({ forgetRemembered: true });
  });

  it('send the lifecycle commands their arguments', async () => {
    const calls = mockCommands({ start_rotation: null, finish_rotation: null, keep_alive: [] });
    await startRotation('org', 'o1', 't1', null);
    await startRotation('org', 'o1', 't1', ['10.0.0.0/8']);
    await finishRotation('r1');
    await keepAlive(['k1', 'k2']);
    expect(argsOf(calls, 'start_rotation')).toEqual([
      { kind: 'org', orgId: 'o1', tokenId: 't1', srcIps: null },
      { kind: 'org', orgId: 'o1', tokenId: 't1', srcIps: ['10.0.0.0/8'] },
    ]);
    expect(argsOf(calls, 'finish_rotation')).toEqual([{ rotationId: 'r1' }]);
    expect(argsOf(calls, 'keep_alive')).toEqual([{ ids: ['k1', 'k2'] }]);
  });

  it('reject with an AppError', async () => {
    mockCommands({ reveal_key: () => fail({ kind: 'already_revealed', message: 'Already shown.' }) });
    await expect(revealKey('s1')).rejects.toEqual({ kind: 'already_revealed', message: 'Already shown.' });
  });
});
