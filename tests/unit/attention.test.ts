import { describe, expect, it } from 'vitest';
import { createFakeAttention } from '../../src/adapters/attention/fake';
import { createAttentionModel } from '../../src/models/attention';

const words = () => ({ title: 'Parley', body: 'The other person joined your call.' });

describe('attention: notify when the other person joins a hidden tab', () => {
  const optedIn = async (over: Parameters<typeof createFakeAttention>[0] = {}) => {
    const fake = createFakeAttention({ hidden: true, ...over });
    const model = createAttentionModel(fake.port, words);
    await model.setOptIn(true);
    return { fake, model };
  };

  it('never asks for permission by itself; asks once, on opting in, and remembers the choice', async () => {
    const fake = createFakeAttention({ hidden: true });
    const model = createAttentionModel(fake.port, words);
    model.partnerIs('bob');
    expect(fake.state.asked).toBe(0);
    expect(fake.state.notifications).toEqual([]);
    await model.setOptIn(true);
    expect(fake.state.asked).toBe(1);
    expect(model.optedIn.value).toBe(true);
    expect(fake.state.optIn).toBe(true);
    // A new page starts opted in without asking again (permission already granted).
    const again = createAttentionModel(fake.port, words);
    expect(again.optedIn.value).toBe(true);
    expect(fake.state.asked).toBe(1);
  });

  it('notifies and chimes when a partner joins while hidden, once per join', async () => {
    const { fake, model } = await optedIn();
    model.partnerIs(null);
    model.partnerIs('bob');
    model.partnerIs('bob');
    expect(fake.state.notifications).toEqual([{ title: 'Parley', body: 'The other person joined your call.' }]);
    expect(fake.state.chimes).toBe(1);
    // They leave and come back: that is a join again.
    model.partnerIs(null);
    model.partnerIs('bob-again');
    expect(fake.state.chimes).toBe(2);
  });

  it('stays quiet while the tab is visible', async () => {
    const { fake, model } = await optedIn({ hidden: false });
    model.partnerIs('bob');
    expect(fake.state.notifications).toEqual([]);
    expect(fake.state.chimes).toBe(0);
  });

  it('stays quiet without the opt-in, and after opting out', async () => {
    const { fake, model } = await optedIn();
    await model.setOptIn(false);
    expect(fake.state.optIn).toBe(false);
    model.partnerIs('bob');
    expect(fake.state.notifications).toEqual([]);
    expect(fake.state.chimes).toBe(0);
  });

  it('a refused permission leaves the opt-in off and says why', async () => {
    const fake = createFakeAttention({ hidden: true, answer: 'denied' });
    const model = createAttentionModel(fake.port, words);
    await model.setOptIn(true);
    expect(model.optedIn.value).toBe(false);
    expect(fake.state.optIn).toBe(false);
    expect(model.problem.value).toMatch(/blocked/);
    model.partnerIs('bob');
    expect(fake.state.chimes).toBe(0);
  });
});
