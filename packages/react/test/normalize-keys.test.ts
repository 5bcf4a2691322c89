// @vitest-environment jsdom
import { describe, expect, expectTypeOf, it } from 'vitest';
import { normalizeKeys, toCamelCase } from '../src/normalize-keys.js';

describe('normalizeKeys', () => {
  it('converts identifiers', () => {
    expect(toCamelCase('goal_id')).toBe('goalId');
    expect(toCamelCase('action_status_changed_at')).toBe('actionStatusChangedAt');
    expect(toCamelCase('kebab-case')).toBe('kebabCase');
    expect(toCamelCase('alreadyCamel')).toBe('alreadyCamel');
  });

  it('converts keys deeply, including inside arrays, without touching values', () => {
    const input = {
      goal_id: 'g_1',
      action_items: [{ due_at: '2026-01-01', owner_name: 'snake_value' }],
      meta: null,
      count: 3,
    };
    const out = normalizeKeys(input);
    expect(out).toEqual({
      goalId: 'g_1',
      actionItems: [{ dueAt: '2026-01-01', ownerName: 'snake_value' }],
      meta: null,
      count: 3,
    });
    expectTypeOf(out.actionItems[0]!.dueAt).toEqualTypeOf<string>();
    expect(input.goal_id).toBe('g_1');
  });

  it('keeps non-plain objects as they are', () => {
    const date = new Date(0);
    expect(normalizeKeys({ created_at: date }).createdAt).toBe(date);
  });
});
