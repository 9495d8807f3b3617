import { describe, expect, it } from 'vitest';
import { emptyForm, fromSpec, toSpec, validate } from './specForm';

/** A resolved spec exactly as GET /api/v1/runs/{id} returns it for {"optimizer":{"name":"sinkgd","lr":0.01},"steps":30}. */
const resolved = {
  name: 'sinkgd nano', project: 'default', tags: ['smoke', 'cpu'],
  model: { preset: 'nano', hidden: null, intermediate: null, heads: null, layers: null, vocab: null, complete: true, headDimensionIntegral: true },
  optimizer: { name: 'sinkgd', lr: 0.01, alpha: 0.05, sinkhornRounds: 5, newtonSchulzSteps: 10, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentum: 0 },
  data: { corpus: 'europarl', format: 'text', heldOutFraction: 0.01, europarl: true },
  tokenizer: 'byte', seqLen: 256, batchSize: 8, gradAccum: 1, steps: 30, tokenBudget: null,
  schedule: { warmupFraction: 0.1, minLrRatio: 0.1 },
  evalEvery: 50, evalBatches: 8, gradClip: 0, checkpointEvery: 0, seed: 42, device: 'any', precision: 'fp32', priority: 0,
};

describe('form <-> spec', () => {
  it('submits only what the user filled in, typed and nested', () => {
    const v = { ...emptyForm(), project: 'default', 'optimizer.name': 'swan', 'optimizer.lr': '0.005', steps: '40', tags: ' a, b ,, c' };
    expect(toSpec(v)).toEqual({ project: 'default', optimizer: { name: 'swan', lr: 0.005 }, steps: 40, tags: ['a', 'b', 'c'] });
  });

  it('names the default preset when dimensions override it (the backend needs one)', () => {
    expect(toSpec({ ...emptyForm(), 'model.layers': '1' })).toEqual({ model: { preset: 'nano', layers: 1 } });
    expect(toSpec({ ...emptyForm(), 'model.preset': 'micro', 'model.layers': '2' })).toEqual({ model: { preset: 'micro', layers: 2 } });
  });

  it('reads a resolved spec back as the choices that differ from the defaults', () => {
    const v = fromSpec(resolved);
    expect(v['optimizer.name']).toBe('sinkgd');
    expect(v['optimizer.lr']).toBe('0.01');
    expect(v['steps']).toBe('30');
    expect(v['tags']).toBe('smoke, cpu');
    // defaults stay empty: the placeholder shows them
    expect(v['seqLen']).toBe('');
    expect(v['optimizer.alpha']).toBe('');
    expect(v['model.preset']).toBe('');
    expect(v['model.hidden']).toBe('');
  });

  it('round-trips: the clone form submits the original choices', () => {
    expect(toSpec(fromSpec(resolved))).toEqual({
      name: 'sinkgd nano', project: 'default', tags: ['smoke', 'cpu'], optimizer: { name: 'sinkgd', lr: 0.01 }, steps: 30,
    });
  });

  it('keeps a learning rate equal to another optimizer’s default', () => {
    // 0.001 is AdamW's default, not SinkGD's: a choice to keep
    const v = fromSpec({ ...resolved, optimizer: { ...resolved.optimizer, lr: 0.001 } });
    expect(v['optimizer.lr']).toBe('0.001');
    const adam = fromSpec({ ...resolved, optimizer: { ...resolved.optimizer, name: 'adamw', lr: 0.001 } });
    expect(adam['optimizer.lr']).toBe('');
  });

  it('drops steps derived from a token budget', () => {
    const v = fromSpec({ ...resolved, steps: 12, tokenBudget: 25_000 });
    expect(v['tokenBudget']).toBe('25000');
    expect(v['steps']).toBe('');
  });
});

describe('validate (mirrors the backend annotations)', () => {
  const ok = { ...emptyForm(), project: 'default', 'optimizer.name': 'sinkgd' };

  it('accepts the minimal spec', () => {
    expect(validate(ok)).toEqual({});
  });
  it('requires project and optimizer', () => {
    expect(Object.keys(validate(emptyForm())).sort()).toEqual(['optimizer.name', 'project']);
  });
  it('names the learning rate out of range', () => {
    expect(validate({ ...ok, 'optimizer.lr': '-0.1' })).toEqual({ 'optimizer.lr': 'must be greater than 0' });
    expect(validate({ ...ok, 'optimizer.lr': '11' })).toEqual({ 'optimizer.lr': 'must be less than or equal to 10' });
    expect(validate({ ...ok, 'optimizer.lr': 'abc' })).toEqual({ 'optimizer.lr': 'must be a number' });
  });
  it('checks exclusive bounds, integers and patterns', () => {
    expect(validate({ ...ok, 'optimizer.beta1': '1' })['optimizer.beta1']).toBe('must be less than 1');
    expect(validate({ ...ok, seqLen: '2.5' })['seqLen']).toBe('must be a whole number');
    expect(validate({ ...ok, tokenizer: 'bpe' })['tokenizer']).toMatch(/byte, gpt2/);
  });
  it('checks the cross-field rules', () => {
    expect(validate({ ...ok, steps: '10', tokenBudget: '100000' })['tokenBudget']).toBe('give steps or tokenBudget, not both');
    expect(validate({ ...ok, tokenBudget: '100' })['tokenBudget']).toMatch(/smaller than one step .* 2048/);
    expect(validate({ ...ok, precision: 'bf16' })['precision']).toMatch(/bf16 needs device gpu/);
    expect(validate({ ...ok, precision: 'bf16', device: 'gpu' })).toEqual({});
    expect(validate({ ...ok, 'model.heads': '3' })['model.heads']).toBe('hidden must be divisible by heads');
  });
});
